"""The web side: the Streamlit script's blocks and routing, cached loaders, and the web server around them."""
