"""deploy/: the Dockerfile, the Kubernetes manifests and the nginx balancer hold together and work.

No browser. Linters (hadolint, checkov) must find nothing, and each is shown to find something
in a careless file, so a silent linter cannot pass. Ports, paths and probes are read from the
files themselves (PyYAML, tomllib) and compared with ``.streamlit/config.toml`` and Streamlit's
own routes. The scale-out tests start two real replicas behind a real nginx
(``deploy/scale_out.py``) and open real websocket sessions through it (``bench/load.py``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from streamlit import config as streamlit_config
from streamlit.web.server.starlette.starlette_routes import BASE_ROUTE_MEDIA, BASE_ROUTE_STATIC, ROUTE_HEALTH
from streamlit.web.server.starlette.starlette_websocket import _ROUTE_WEBSOCKET_STREAM as ROUTE_STREAM
from web_servers import run_async

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BIN = Path(sys.executable).parent
for folder in (DEPLOY, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import scale_out  # noqa: E402  (deploy/scale_out.py)
from load import connect, open_session  # noqa: E402  (bench/load.py)

from datong.web import server as web_server  # noqa: E402

HEALTH = "/" + ROUTE_HEALTH  # "/_stcore/health"
STREAM = "/" + ROUTE_STREAM  # "/_stcore/stream"
SITE_CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
PORT = SITE_CONFIG.get("server", {}).get("port", streamlit_config._config_options_template["server.port"].default_val)
BUSY_PAGE = ROOT / "datong" / "web" / "static" / "busy.html"  # one copy: the app serves it too
TEMPLATE = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def tool(name: str) -> str:
    """A command installed with the test requirements (the venv's bin, else PATH)."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -r requirements-test.txt"
    return str(found)


def get(url: str, headers: dict | None = None, timeout: float = 30):
    """(status, headers, body) without raising on HTTP errors."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def manifests() -> dict[str, dict]:
    """Every object in deploy/k8s by kind (one of each)."""
    found: dict[str, dict] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert document["kind"] not in found, f"two {document['kind']} objects"
            found[document["kind"]] = document
    return found


def container(objects: dict[str, dict]) -> dict:
    (only,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def location(path: str) -> str:
    """The body of one ``location`` block of the nginx template."""
    match = re.search(r"\n    location (?:= )?" + re.escape(path) + r" \{\n(.*?)\n    \}", TEMPLATE, re.DOTALL)
    assert match, f"no location {path} in the template"
    return match.group(1)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in DOCKERFILE.splitlines() if not line.lstrip().startswith("#")))
    return [tuple(line.split(None, 1)) for line in joined.splitlines() if line.strip()]  # type: ignore[misc]


def instruction(name: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile_instructions() if instruction == name]


# --------------------------------------------------------------------------- Dockerfile


def hadolint(path: Path) -> list[dict]:
    done = subprocess.run([tool("hadolint"), "--format", "json", str(path)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().startswith("["), done.stdout + done.stderr
    return json.loads(done.stdout)


def test_the_dockerfile_passes_hadolint_without_a_single_finding():
    findings = hadolint(DEPLOY / "Dockerfile")
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['level']}: {f['message']}" for f in findings)


def test_hadolint_does_flag_a_careless_dockerfile(tmp_path):
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python\nRUN apt-get update && apt-get install -y fonts-wqy-microhei\nRUN pip install streamlit\n")
    codes = {finding["code"] for finding in hadolint(careless)}
    assert {"DL3006", "DL3008", "DL3015", "DL3009", "DL3013", "DL3042"} <= codes


def test_the_image_is_slim_python_runs_as_a_numeric_non_root_user_and_has_the_cjk_font():
    (base,) = instruction("FROM")
    assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", base)
    (user,) = instruction("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) >= 10000 and (not gid or gid.isdigit())
    apt = next(run for run in instruction("RUN") if "apt-get install" in run)
    assert "--no-install-recommends" in apt and "fonts-wqy-microhei" in apt and "rm -rf /var/lib/apt/lists/*" in apt
    pip = next(run for run in instruction("RUN") if "pip install" in run)
    assert "--no-cache-dir" in pip and "-r requirements.txt" in pip


def test_the_image_serves_the_sites_config_on_its_port_bound_to_every_interface():
    (cmd,) = instruction("CMD")
    argv = json.loads(cmd)
    assert argv[:5] == ["python", "-m", "streamlit", "run", "app.py"]
    assert "--server.address=0.0.0.0" in argv  # the config's 127.0.0.1 is unreachable from outside a container
    assert f"--server.port={PORT}" in argv
    assert SITE_CONFIG["server"]["address"] == "127.0.0.1"  # ... which is why the flag is there
    assert instruction("EXPOSE") == [str(PORT)]
    copies = [arguments.split() for arguments in instruction("COPY")]
    assert [".streamlit/config.toml", ".streamlit/config.toml"] in copies
    (healthcheck,) = instruction("HEALTHCHECK")
    assert f"http://127.0.0.1:{PORT}{HEALTH}" in healthcheck and "urllib" in healthcheck
    assert "b'ok'" in healthcheck  # Streamlit's health body


def test_the_dockerignore_keeps_tests_benches_git_and_the_venv_out_but_nothing_the_image_copies():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "tests", "bench", "artifacts"} <= ignored
    copied = {arguments.split()[0].rstrip("/") for arguments in instruction("COPY")}
    assert copied == {"requirements.txt", "app.py", ".streamlit/config.toml", "datong", "pages", "data"}
    assert not copied & ignored


def test_the_files_the_image_copies_are_enough_to_serve_every_chapter(tmp_path):
    """The Dockerfile's COPY list, laid out in a fresh folder and started with the image's CMD
    (on loopback, not 0.0.0.0: servers here stay on 127.0.0.1), serves sessions with no error."""
    app = tmp_path / "app"
    for arguments in instruction("COPY"):
        source, target = arguments.split()
        destination = app / target.rstrip("/") if target not in ("./", ".") else app / source
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, destination, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, destination)
    port = scale_out.free_port()
    argv = [a for a in json.loads(instruction("CMD")[0]) if not a.startswith(("--server.address", "--server.port"))]
    argv = [scale_out.python(), *argv[1:], "--server.address=127.0.0.1", f"--server.port={port}"]
    log = tmp_path / "server.log"
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(argv, cwd=app, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HOME": str(tmp_path / "home")})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 150
        while not scale_out.healthy(base):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        for page in ("", "source"):
            result = run_async(open_session(base, page, "lang=en"))
            assert (result.outcome, result.exceptions) == ("ok", 0), (page, result, log.read_text())
            assert result.elements["heading"] >= 1
    finally:
        proc.terminate()
        proc.wait(15)
    assert "Traceback" not in log.read_text()


# --------------------------------------------------------------------------- Kubernetes


def checkov(directory: Path) -> dict:
    """checkov's JSON report for one folder, offline (no download, no update check)."""
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "true", "LOG_LEVEL": "ERROR"}
    done = subprocess.run(
        [tool("checkov"), "-d", str(directory), "--framework", "kubernetes", "--skip-download", "--compact", "-o", "json"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    report = json.loads(done.stdout)
    return report[0] if isinstance(report, list) else report


def test_the_manifests_pass_checkov_with_one_justified_skip():
    report = checkov(K8S)
    failed = report["results"]["failed_checks"]
    assert failed == [], "\n".join(f"{c['check_id']} {c['check_name']}: {c['file_path']}" for c in failed)
    assert report["summary"]["passed"] >= 80 and report["summary"]["parsing_errors"] == 0
    assert report["summary"]["resource_count"] >= len(manifests())  # every object was read (and the pod template)
    skipped = {c["check_id"]: c["check_result"].get("suppress_comment", "") for c in report["results"]["skipped_checks"]}
    assert set(skipped) == {"CKV_K8S_43"}  # the image digest: known only after the build
    assert "digest" in skipped["CKV_K8S_43"]


def test_checkov_does_flag_a_careless_deployment(tmp_path):
    (tmp_path / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: careless}\nspec:\n  selector: {matchLabels: {app: x}}\n"
        "  template:\n    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: x, image: 'datong:latest'}]\n"
    )  # fmt: skip
    failed = {c["check_id"] for c in checkov(tmp_path)["results"]["failed_checks"]}
    assert {"CKV_K8S_8", "CKV_K8S_9", "CKV_K8S_14", "CKV_K8S_22", "CKV_K8S_38"} <= failed  # probes, tag, read-only root, token


def test_the_probes_ports_and_paths_match_the_config_and_streamlits_health_route():
    objects = manifests()
    c = container(objects)
    (port,) = c["ports"]
    assert port["containerPort"] == PORT and port["name"] == "http"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": HEALTH, "port": "http"}, probe
    assert web_server.HEALTH_PATHS[0] == ROUTE_HEALTH  # the app's readiness gate answers on the same path
    service_port = objects["Service"]["spec"]["ports"][0]
    assert service_port["targetPort"] == "http"
    assert objects["Service"]["spec"]["selector"] == objects["Deployment"]["spec"]["selector"]["matchLabels"]
    backend = objects["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": objects["Service"]["metadata"]["name"], "port": {"name": service_port["name"]}}
    assert objects["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == objects["Deployment"]["metadata"]["name"]
    policy_ports = objects["NetworkPolicy"]["spec"]["ingress"][0]["ports"]
    assert policy_ports == [{"port": PORT, "protocol": "TCP"}]
    namespaces = {o["metadata"].get("namespace") for kind, o in objects.items() if kind != "Namespace"}
    assert namespaces == {objects["Namespace"]["metadata"]["name"]}


def test_the_pod_is_sized_for_one_core_and_locked_down():
    objects = manifests()
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    c = container(objects)
    assert c["resources"] == {"requests": {"cpu": "1", "memory": "384Mi"}, "limits": {"cpu": "1500m", "memory": "768Mi"}}
    uid = int(instruction("USER")[0].split(":")[0])
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == uid
    assert pod["automountServiceAccountToken"] is False
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]}
    assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
    # Graceful termination: out of the endpoints while preStop sleeps, then SIGTERM, all in the grace period.
    sleep = c["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep[0] == "sleep" and 0 < int(sleep[1]) < pod["terminationGracePeriodSeconds"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert int(env[web_server.MAX_SESSIONS_ENV]) >= 1
    hpa = objects["HorizontalPodAutoscaler"]["spec"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu" and hpa["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    assert hpa["minReplicas"] >= 2


def test_the_ingress_keeps_a_reader_on_one_pod_and_websockets_open():
    annotations = manifests()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "session-cookie-name"]
    assert int(annotations[prefix + "proxy-read-timeout"]) >= 3600 and int(annotations[prefix + "proxy-send-timeout"]) >= 3600
    assert "http_503" in annotations[prefix + "proxy-next-upstream"].split()
    assert int(annotations[prefix + "limit-connections"]) > 0 and int(annotations[prefix + "limit-rps"]) > 0


# --------------------------------------------------------------------------- nginx


def test_the_nginx_template_routes_streamlits_paths():
    assert "hash $remote_addr consistent;" in TEMPLATE  # affinity (see the comment in the template)
    stream = location(STREAM)
    assert "proxy_set_header Upgrade $http_upgrade;" in stream and "proxy_set_header Connection $datong_connection;" in stream
    assert "proxy_set_header Host $http_host;" in stream  # a location's proxy_set_header replaces all the server's
    assert int(re.search(r"proxy_read_timeout (\d+)s;", stream).group(1)) >= 3600
    assert "limit_req zone=datong_sessions" in stream
    assert "proxy_pass http://datong;" in location(HEALTH)
    static = location(f"/{BASE_ROUTE_STATIC}/")
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in static
    assert "http_404" in location(f"/{BASE_ROUTE_MEDIA}/")  # a download made by the replica a reader was retried to
    assert re.search(r"\n    proxy_next_upstream error timeout http_503;", TEMPLATE)
    assert re.search(r"error_page (\d+ )*502 503 504 /busy\.html;", TEMPLATE)
    gzip_types = re.search(r"gzip_types ([^;]+);", TEMPLATE).group(1).split()
    assert {"text/css", "application/javascript", "application/json", "image/svg+xml", "text/plain"} <= set(gzip_types)
    assert re.search(r"limit_conn datong_conn \d+;", TEMPLATE) and re.search(r"limit_req zone=datong_req burst=\d+", TEMPLATE)


def test_nginx_adds_no_security_header_the_app_already_sends():
    """Security headers come from the app (datong.web.headers); nginx adds its own only to its own busy page."""
    outside_busy = TEMPLATE.replace(location("/busy.html"), "")
    added = {name.lower() for name in re.findall(r"add_header ([\w-]+)", outside_busy)}
    assert added == {"cache-control"}


@pytest.mark.parametrize("replicas", [1, 2, 4])
def test_the_generated_config_passes_nginx_t(tmp_path, replicas):
    addresses = [f"127.0.0.1:{8501 + i}" for i in range(replicas)]
    config = scale_out.write_prefix(tmp_path, addresses, "127.0.0.1:8080")
    done = scale_out.nginx_test(config, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = config.read_text()
    servers = re.findall(r"^    server (127\.0\.0\.1:\d+) max_fails=3 fail_timeout=10s;$", text, re.MULTILINE)
    assert servers == addresses and "@" not in text.replace("@NAME@", "")


def test_the_vm_config_printed_by_the_command_passes_nginx_t(tmp_path):
    done = subprocess.run([sys.executable, str(DEPLOY / "scale_out.py"), "--print-config", "--replicas", "3", "--listen", "127.0.0.1:8080"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "server 127.0.0.1:8503 max_fails=3 fail_timeout=10s;" in done.stdout and f"root {BUSY_PAGE.parent};" in done.stdout
    config = tmp_path / "nginx.conf"
    config.write_text(scale_out.main_config(tmp_path, done.stdout))
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "temp" / kind).mkdir(parents=True)
    checked = scale_out.nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_busy_page_is_trilingual_retries_by_itself_and_names_no_other_host():
    page = BUSY_PAGE.read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh"' in page
    for text in ("读者太多，正在重试", "讀者太多，正在重試", "busy, retrying"):
        assert text in page
    assert 'lang="zh-Hant"' in page and 'lang="en"' in page
    assert not re.search(r"(https?:)?//[\w.-]+", page.replace("<!DOCTYPE html>", ""))
    assert "<script" not in page and "src=" not in page and "href=" not in page


def test_with_every_replica_down_nginx_serves_the_busy_page_and_limits_new_sessions():
    with scale_out.balancer([f"127.0.0.1:{scale_out.free_port()}", f"127.0.0.1:{scale_out.free_port()}"]) as base:
        status, headers, body = get(base + "/departments?lang=en")
        assert status == 502, base.log()
        assert body == BUSY_PAGE.read_bytes()
        assert headers["Retry-After"] == "10" and headers["Cache-Control"] == "no-store"
        assert "frame-ancestors" in headers["Content-Security-Policy"]
        status, _, body = get(base + HEALTH)
        assert status == 502 and b"busy, retrying" in body
        # New sessions: 2/s per address with bursts of 20; past that nginx answers 429 itself.
        statuses = [get(base + STREAM, {"Connection": "Upgrade", "Upgrade": "websocket"})[0] for _ in range(40)]
        assert statuses[0] == 502 and 429 in statuses and set(statuses) == {502, 429}
        assert statuses.index(429) >= 20


# --------------------------------------------------------------------------- scale-out, for real


@pytest.fixture(scope="module")
def balanced():
    """Two replicas behind nginx; each takes one live session (DATONG_MAX_SESSIONS=1), so a
    second session has to be retried on the other replica."""
    with scale_out.scale_out(replicas=2, env={web_server.MAX_SESSIONS_ENV: "1"}, timeout=240) as base:
        yield base


def upstreams(base, path: str) -> list[str]:
    """The replica (host:port) that served each request for ``path``, from nginx's access log."""
    lines = (base.prefix / "access.log").read_text(encoding="utf-8").splitlines()
    return [re.search(r"upstream=(\S+)", line).group(1) for line in lines if f'"GET {path}' in line]


def test_health_answers_ok_through_nginx(balanced):
    status, _, body = get(balanced + HEALTH)
    assert (status, body) == (200, b"ok"), balanced.log()


def test_a_websocket_session_through_nginx_runs_a_chapter_and_stays_on_one_replica(balanced):
    # The overview shows its charts once the guess is answered; a figure's permalink answers it.
    visits = (("departments", "lang=en"), ("", "lang=en&fig=park_firms_resumed"), ("departments", "lang=en"))
    results = [run_async(open_session(balanced, page, query)) for page, query in visits]
    for result in results:
        assert (result.outcome, result.exceptions) == ("ok", 0), (result, balanced.log())
        assert result.elements["vega_lite_chart"] >= 1
    served = upstreams(balanced, STREAM)[-3:]
    assert len(served) == 3 and len(set(served)) == 1, served  # affinity: one address, one replica
    assert served[0].removeprefix("127.0.0.1:") in {r.rsplit(":", 1)[1] for r in balanced.replicas}


def test_a_full_replica_refuses_and_nginx_retries_the_other_until_both_are_full(balanced):
    async def three_sessions():
        async with connect(balanced) as first:
            assert (await first.run("", "lang=en")).exceptions == 0
            async with connect(balanced) as second:  # the first replica is full: 503, retried on the other
                assert (await second.run("safety", "lang=en")).exceptions == 0
                third = await open_session(balanced, "", "lang=en")  # both full
                return third

    third = run_async(three_sessions())
    assert (third.outcome, third.status) == ("refused", 503), balanced.log()
    log = (balanced.prefix / "access.log").read_text(encoding="utf-8").splitlines()
    streams = [line for line in log if f'"GET {STREAM}' in line][-3:]  # logged as each closes: third, second, first
    # the second: two replicas tried, the first answering 503, the other 101 (switching protocols)
    assert sum(bool(re.search(r"upstream=\S+, \S+ upstream_status=503, 101", line)) for line in streams) == 1, streams
    # the third: both full
    assert sum(bool(re.search(r"upstream_status=503, 503", line)) for line in streams) == 1, streams


# --------------------------------------------------------------------------- the README's lines


def test_the_readmes_tls_and_hsts_lines_pass_nginx_t(tmp_path):
    """deploy/README.md's nginx lines for TLS and HSTS, put where it says, with a throwaway certificate."""
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", readme, re.DOTALL).group(1)
    redirect, marker, tls = block.partition('# in the site\'s server block, instead of "listen 80;":\n')
    assert marker and "return 301 https://$host$request_uri;" in redirect
    hsts = next(line for line in tls.splitlines() if "Strict-Transport-Security" in line)
    assert re.fullmatch(r'\s+add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;', hsts)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=datong.example.org",
                           "-days", "1", "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    tls = tls.replace("/etc/letsencrypt/live/datong.example.org/fullchain.pem", str(cert))
    tls = tls.replace("/etc/letsencrypt/live/datong.example.org/privkey.pem", str(key))
    site = scale_out.site_config(["127.0.0.1:8501", "127.0.0.1:8502"], "80", tmp_path, "datong.example.org")
    assert "    listen 80;\n" in site
    site = site.replace("    listen 80;\n", tls)
    # "copy the Strict-Transport-Security line into location /static/ and location = /busy.html too"
    for own_headers in ('add_header Cache-Control "public, max-age=31536000, immutable";', 'add_header Cache-Control "no-store" always;'):
        assert own_headers in site
        site = site.replace(own_headers, own_headers + "\n" + hsts)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "temp" / kind).mkdir(parents=True)
    config = tmp_path / "nginx.conf"
    config.write_text(scale_out.main_config(tmp_path, redirect + site))
    checked = scale_out.nginx_test(config, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_systemd_unit_runs_the_same_command_on_its_instance_port():
    unit = (DEPLOY / "datong@.service").read_text(encoding="utf-8")
    (start,) = re.findall(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    assert start.split()[1:] == ["-m", "streamlit", "run", "app.py", "--server.port=%i"]
    assert "--server.address" not in start  # the config's 127.0.0.1: only nginx on the machine reaches it
    assert re.search(r"^User=datong$", unit, re.MULTILINE) and re.search(r"^ProtectSystem=strict$", unit, re.MULTILINE)
    assert re.search(rf"^Environment={web_server.MAX_SESSIONS_ENV}=\d+$", unit, re.MULTILINE)
