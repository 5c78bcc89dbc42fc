"""Delivery that survives the registry, with real processes: ``hansa registry serve`` and
``hansa gateway --registry`` on loopback, the registry killed with ``kill -9`` mid-publish,
stopped while gateways serve, and gateways started while it is down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hansa.demo import SUBGRAPHS
from hansa.http.serve import serving
from tests.registry.conftest import ADMIN, Client
from tests.support.cli import first_answer, start_gateway
from tests.support.http import free_port, post_graphql, request

SDL = {sg.name: sg.sdl for sg in SUBGRAPHS}
# Version 2 of accounts drops User.birthYear: a gateway serving it refuses the field.
V2 = SDL["accounts"].replace("birthYear: Int", "")
BIRTH_YEAR = "{ me { birthYear } }"


def knows_birth_year(url: str, headers: dict[str, str] | None = None) -> bool:
    return "errors" not in post_graphql(url, BIRTH_YEAR, headers=headers).json()


@contextmanager
def registry_process(
    database: str, port: int | None = None, admin_token: str | None = ADMIN
) -> Iterator[tuple[subprocess.Popen[str], Client]]:
    """``hansa registry serve`` on loopback, once it answers; ``admin_token=None`` leaves the
    first admin token to the registry (it prints it)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "HANSA_REGISTRY_ADMIN_TOKEN"}
    if admin_token is not None:
        env["HANSA_REGISTRY_ADMIN_TOKEN"] = admin_token
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hansa.cli",
            "registry",
            "serve",
            "--database",
            database,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    client = Client(f"http://127.0.0.1:{port}", admin_token)
    try:
        for _ in range(200):
            try:
                if client.call("GET", "/health", token=None).status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            process.kill()
            raise AssertionError(f"registry did not start: {process.communicate()[1]}")
        yield process, client
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


@contextmanager
def demo_subgraph_urls() -> Iterator[dict[str, str]]:
    with serving(*(s.asgi_app() for s in SUBGRAPHS)) as urls:
        yield {s.name: f"{u}/graphql" for s, u in zip(SUBGRAPHS, urls, strict=True)}


def gateway_config(tmp_path: Path, registry: Client, public_key: str, **extra: str) -> Path:
    lines = [
        "[gateway.registry]",
        f'url = "{registry.url}"',
        'graph = "shop"',
        f'token = "{ADMIN}"',
        "poll_interval_secs = 0.2",
        f'public_key = "{public_key}"',
        f'cache_dir = "{tmp_path / "cache"}"',
        *(f"{k} = {v}" for k, v in extra.items()),
    ]
    path = tmp_path / "hansa.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def eventually(check, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_a_gateway_survives_the_registry(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/registry.db"
    with demo_subgraph_urls() as urls:
        port = free_port()
        with registry_process(database, port) as (_, registry):
            for name, sdl in SDL.items():
                assert registry.publish(name, "v1", sdl, url=urls[name]).status == 201
            key = registry.call("GET", "/signing-key").json()["public_key"]
            config = gateway_config(tmp_path, registry, key)
            gateway, url = start_gateway("--config", str(config))
            try:
                assert first_answer(url, "{ me { name } }") == {
                    "data": {"me": {"name": "Ada Lovelace"}}
                }
                served = post_graphql(url, "{ me { name } }")
                assert served.headers["x-hansa-composition"] == "3"
            except BaseException:
                gateway.kill()
                raise
        # The registry is gone: the gateway keeps serving what it has.
        time.sleep(0.6)
        assert post_graphql(url, "{ me { name } }").json() == {
            "data": {"me": {"name": "Ada Lovelace"}}
        }
        gateway.terminate()
        _, log = gateway.communicate(timeout=10)
        assert "did not answer" in log
        # A gateway started while the registry is down starts from its disk copy.
        gateway, url = start_gateway("--config", str(config))
        try:
            assert first_answer(url, "{ me { name } }") == {
                "data": {"me": {"name": "Ada Lovelace"}}
            }
            # The registry comes back with a new composition: the gateway picks it up.
            with registry_process(database, port) as (_, registry):
                assert registry.publish("accounts", "v2", V2, url=urls["accounts"]).status == 201
                eventually(lambda: not knows_birth_year(url))
                assert post_graphql(url, BIRTH_YEAR).headers["x-hansa-composition"] == "4"
        finally:
            gateway.terminate()
            _, log = gateway.communicate(timeout=10)
        assert "starting from the copy in" in log


def test_a_supergraph_whose_signature_does_not_verify_is_never_served(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/registry.db"
    with demo_subgraph_urls() as urls, registry_process(database) as (_, registry):
        for name, sdl in SDL.items():
            registry.publish(name, "v1", sdl, url=urls[name])
        # A key that is not the registry's: every answer is refused, so nothing to serve.
        other = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
        config = gateway_config(tmp_path, registry, other)
        gateway, _ = start_gateway("--config", str(config))
        _, log = gateway.communicate(timeout=20)
        assert gateway.returncode != 0
        assert "signature does not verify" in log
        # A copy on disk altered after it was written is refused the same way.
        key = registry.call("GET", "/signing-key").json()["public_key"]
        config = gateway_config(tmp_path, registry, key)
        gateway, url = start_gateway("--config", str(config))
        first_answer(url, "{ me { name } }")
        gateway.terminate()
        gateway.communicate(timeout=10)
    copy = tmp_path / "cache" / "shop@prod.json"
    answer = json.loads(copy.read_text())
    answer["current"]["supergraph_sdl"] = answer["current"]["supergraph_sdl"].replace(
        "birthYear", "birthDay"
    )
    copy.write_text(json.dumps(answer))
    gateway, _ = start_gateway("--config", str(config))
    _, log = gateway.communicate(timeout=20)
    assert gateway.returncode != 0
    assert "signature does not verify" in log


def test_a_canary_serves_a_stable_share_of_clients_until_killed(tmp_path: Path) -> None:
    from hansa.server.canary import bucket

    database = f"sqlite:///{tmp_path}/registry.db"
    with demo_subgraph_urls() as urls, registry_process(database) as (_, registry):
        for name, sdl in SDL.items():
            registry.publish(name, "v1", sdl, url=urls[name])
        registry.publish("accounts", "v2", V2, url=urls["accounts"])
        registry.call("POST", "/graphs/shop/variants/prod/rollback", {"to": 3})  # serves #5
        canary = {
            "composition": 4,
            "percent": 30,
            "allow": ["acme"],
            "deny": ["bank"],
            "key": "header:x-company",
        }
        assert registry.call("PUT", "/graphs/shop/variants/prod/canary", canary).status == 200
        key = registry.call("GET", "/signing-key").json()["public_key"]
        gateway, url = start_gateway("--config", str(gateway_config(tmp_path, registry, key)))
        try:
            first_answer(url, "{ me { name } }")
            companies = [f"company-{i}" for i in range(60)]
            expected = {c: ("4" if bucket(c) < 30 else "5") for c in companies}
            expected |= {"acme": "4", "bank": "5"}
            seen = {
                c: post_graphql(url, "{ me { name } }", headers={"x-company": c}).headers[
                    "x-hansa-composition"
                ]
                for c in expected
            }
            assert seen == expected
            assert 5 <= list(seen.values()).count("4") <= 35  # about 30% of 62
            # Only the canary has dropped birthYear.
            assert not knows_birth_year(url, {"x-company": "acme"})
            assert knows_birth_year(url, {"x-company": "bank"})
            # No key: the current composition.
            assert post_graphql(url, "{ me { name } }").headers["x-hansa-composition"] == "5"
            assert registry.call("DELETE", "/graphs/shop/variants/prod/canary").status == 200
            eventually(
                lambda: (
                    post_graphql(url, "{ me { name } }", headers={"x-company": "acme"}).headers[
                        "x-hansa-composition"
                    ]
                    == "5"
                )
            )
            metrics = request(url.removesuffix("/graphql") + "/metrics", method="GET").body.decode()
            assert 'hansa_composition_requests_total{composition="4"}' in metrics
        finally:
            gateway.terminate()
            gateway.communicate(timeout=10)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_kill_9_mid_publish_loses_nothing_acknowledged(kind: str, tmp_path: Path) -> None:
    from tests.support.services import postgres_database

    with postgres_database() if kind == "postgresql" else _sqlite(tmp_path) as database:
        port = free_port()
        acknowledged: dict[str, int] = {}
        stop = threading.Event()
        with registry_process(database, port) as (process, registry):
            assert registry.publish("accounts", "base", SDL["accounts"]).status == 201

            def publisher(worker: int) -> None:
                for i in range(1000):
                    if stop.is_set():
                        return
                    version = f"w{worker}-{i}"
                    sdl = SDL["products"] + f"\nextend type Query {{ f_{worker}_{i}: String }}\n"
                    try:
                        answer = registry.publish("products", version, sdl)
                    except OSError:
                        return
                    if answer.status == 201:
                        acknowledged[version] = answer.json()["composition"]["number"]

            threads = [threading.Thread(target=publisher, args=(w,)) for w in range(20)]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 30
            while len(acknowledged) < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
            stop.set()
            for thread in threads:
                thread.join(30)
        assert len(acknowledged) >= 30
        with registry_process(database, port) as (_, registry):
            history = registry.call("GET", "/graphs/shop/variants/prod/history?limit=500").json()
        compositions = {c["number"]: c for c in history["compositions"]}
        numbers = sorted(compositions)
        assert numbers == list(range(1, len(numbers) + 1))  # linear: no gaps
        for version, number in acknowledged.items():
            assert compositions[number]["members"]["products"]["version"] == version
        versions = [compositions[n]["members"]["products"]["version"] for n in numbers[1:]]
        assert len(versions) == len(set(versions))  # each publish composed once


@contextmanager
def _sqlite(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path}/registry.db"


def test_the_gateway_safelists_the_persisted_operations_published_to_the_registry(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path}/registry.db"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "me", "body": "query Me { me { name } }"}],
    }
    with demo_subgraph_urls() as urls, registry_process(database) as (_, registry):
        for name, sdl in SDL.items():
            registry.publish(name, "v1", sdl, url=urls[name])
        path = "/graphs/shop/clients/web/persisted-operations"
        assert registry.call("PUT", path, manifest).json() == {"client": "web", "operations": 1}
        key = registry.call("GET", "/signing-key").json()["public_key"]
        config = gateway_config(tmp_path, registry, key, persisted_operations="true")
        config.write_text(
            config.read_text() + '\n[persisted_queries]\nmode = "enforce"\nreload_secs = 0.2\n'
        )
        gateway, url = start_gateway("--config", str(config))
        try:
            assert first_answer(url, "query Me { me { name } }") == {
                "data": {"me": {"name": "Ada Lovelace"}}
            }
            refused = post_graphql(url, "query Other { me { username } }").json()
            assert refused["errors"][0]["extensions"]["code"] == "QUERY_NOT_IN_SAFELIST"
            manifest["operations"].append(
                {"id": "other", "body": "query Other { me { username } }"}
            )
            registry.call("PUT", path, manifest)
            eventually(
                lambda: "errors" not in post_graphql(url, "query Other { me { username } }").json()
            )
        finally:
            gateway.terminate()
            gateway.communicate(timeout=10)


@contextmanager
def s3_server() -> Iterator[str]:
    """An S3-compatible server on loopback (moto's), with a versioned bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket="supergraphs")
    client.put_bucket_versioning(
        Bucket="supergraphs", VersioningConfiguration={"Status": "Enabled"}
    )
    try:
        yield endpoint
    finally:
        server.stop()


def test_gateways_can_read_the_bucket_a_registry_publishes_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from hansa.registry.app import RegistrySettings, create_registry_app

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    with s3_server() as endpoint, demo_subgraph_urls() as urls:
        settings = RegistrySettings(
            database=f"sqlite:///{tmp_path}/registry.db",
            admin_token=ADMIN,
            publish_bucket="s3://supergraphs/graphs",
            s3_endpoint_url=endpoint,
        )
        with serving(create_registry_app(settings)) as (registry_url,):
            registry = Client(registry_url)
            for name, sdl in SDL.items():
                registry.publish(name, "v1", sdl, url=urls[name])
            key = registry.call("GET", "/signing-key").json()["public_key"]
            config = tmp_path / "hansa.toml"
            config.write_text(
                "[gateway.registry]\n"
                'url = "s3://supergraphs/graphs"\n'
                f's3_endpoint_url = "{endpoint}"\n'
                'graph = "shop"\n'
                "poll_interval_secs = 0.2\n"
                f'public_key = "{key}"\n'
                f'cache_dir = "{tmp_path / "cache"}"\n'
            )
            gateway, url = start_gateway("--config", str(config))
            try:
                assert knows_birth_year_eventually(url)
                assert post_graphql(url, BIRTH_YEAR).headers["x-hansa-composition"] == "3"
                registry.publish("accounts", "v2", V2, url=urls["accounts"])
                eventually(lambda: not knows_birth_year(url))
            finally:
                gateway.terminate()
                gateway.communicate(timeout=10)
        versions = boto3.client("s3", endpoint_url=endpoint).list_object_versions(
            Bucket="supergraphs", Prefix="graphs/shop/prod/supergraph.json"
        )["Versions"]
        assert len(versions) == 4  # one object version per served change


def knows_birth_year_eventually(url: str) -> bool:
    return bool(first_answer(url, BIRTH_YEAR) == {"data": {"me": {"birthYear": 1815}}})
