"""JupyterLab serves the notebooks and runs the project's code: a real server on 127.0.0.1.

Starts ``jupyter lab`` from the project's environment on a free port with a token, lists
notebooks/ through the contents API, starts a kernel through the kernels API and runs
``import analysis`` over the kernel's websocket channels (the messages JupyterLab itself
sends), then shuts everything down. Nothing listens beyond 127.0.0.1 and nothing leaves it.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import PROJECT

JUPYTER = Path(sys.executable).with_name("jupyter")
NOTEBOOKS = PROJECT / "notebooks"
THEMES = ["index_levels", "fed_policy", "relative_performance", "valuation_gap",
          "earnings_convergence", "macro_sensitivity", "flows_and_deals", "tel_aviv"]  # fmt: skip

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running ``jupyter lab``: its base URL, token and a JSON helper for its REST API."""

    def __init__(self, port: int, token: str, process: subprocess.Popen) -> None:
        self.url, self.token, self.process = f"http://127.0.0.1:{port}", token, process

    def api(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return json.loads(text) if text else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not JUPYTER.is_file():
        pytest.skip(f"no jupyter beside {sys.executable}")
    home = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    NOTEBOOKS.mkdir(exist_ok=True)
    log = (home / "lab.log").open("wb")
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    command = [
        str(JUPYTER), "lab", *as_root, "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", "--ServerApp.port_retries=0",
        f"--notebook-dir={NOTEBOOKS}", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Lab(port, token, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                server.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"jupyter lab did not start:\n{(home / 'lab.log').read_text()}")
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_the_server_lists_the_notebooks(lab):
    listing = lab.api("GET", "/api/contents")
    assert listing["type"] == "directory"
    names = {item["name"] for item in listing["content"]}
    if not any(name.endswith(".ipynb") for name in names):
        pytest.skip("notebooks/ holds no notebook yet: the listing works, nothing to look for")
    assert {f"{theme}.ipynb" for theme in THEMES} | {"claims.ipynb"} <= names
    notebook = lab.api("GET", "/api/contents/index_levels.ipynb")
    assert notebook["type"] == "notebook" and notebook["content"]["cells"]


async def _execute(lab: Lab, kernel_id: str, code: str) -> tuple[list[str], str]:
    """Run ``code`` over the kernel's websocket; return its stdout pieces and its reply status."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = lab.url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(url, headers={"Authorization": f"token {lab.token}"})
    connection = await websocket_connect(request)
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    connection.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "session": session,
                    "username": "test",
                    "msg_type": "execute_request",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                },
            }  # fmt: skip
        )
    )
    out, status, idle = [], None, False
    while status is None or not idle:
        raw = await asyncio.wait_for(connection.read_message(), timeout=60)
        assert raw is not None, "the kernel's websocket closed"
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            out.append(msg["content"]["text"])
        elif kind == "error":
            out.append("\n".join(msg["content"]["traceback"]))
        elif kind == "execute_reply":
            status = msg["content"]["status"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    connection.close()
    return out, status


def test_a_kernel_started_by_the_server_imports_the_project(lab):
    kernel = lab.api("POST", "/api/kernels", {"name": "python3"})
    try:
        out, status = asyncio.run(
            _execute(lab, kernel["id"], "import analysis; print(analysis.__file__)")
        )
        assert status == "ok", out
        assert Path("".join(out).strip()) == PROJECT / "analysis" / "__init__.py"
    finally:
        lab.api("DELETE", f"/api/kernels/{kernel['id']}")
    assert kernel["id"] not in {k["id"] for k in lab.api("GET", "/api/kernels")}
