"""TLS to subgraphs and from clients, over real HTTPS on loopback with certificates made for
the test: a private CA trusted by configuration, mutual TLS both ways, and every way a
handshake must fail (untrusted, wrong host, expired, no or a foreign client certificate)
answered as a failed fetch while the rest of the query is answered."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from hansa.transport.tls import ClientTls, ServerTls
from tests.support.cli import first_answer, start_gateway
from tests.support.federation import supergraph_of
from tests.support.http import post_graphql
from tests.support.pki import Authority, Issued

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def _vault() -> Subgraph:
    vault = Subgraph("vault", FED + "type Query { secret: String }")
    vault.field("Query", "secret")(lambda _root, _info: "s3cret")
    return vault


def _open() -> Subgraph:
    plain = Subgraph("open", FED + "type Query { plain: String }")
    plain.field("Query", "plain")(lambda _root, _info: "hello")
    return plain


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("pki")
    mesh, stranger = Authority(directory, "mesh"), Authority(directory, "stranger")
    return {
        "dir": directory,
        "mesh": mesh,
        "stranger": stranger,
        "server": mesh.issue("vault"),
        "wrong_host": mesh.issue("elsewhere", hosts=("vault.internal",)),
        "expired": mesh.issue("expired", expired=True),
        "gateway": mesh.issue("gateway", client=True),
        "foreign_client": stranger.issue("intruder", client=True),
    }


@contextmanager
def _federation(server: Issued, client_ca: str | None = None, **config: Any) -> Iterator[str]:
    """``vault`` over HTTPS with ``server``'s certificate (requiring client certificates from
    ``client_ca`` when given) and ``open`` over plain HTTP, behind a gateway."""
    vault, plain = _vault(), _open()
    sdl = supergraph_of(vault, plain)
    tls = ServerTls(server.cert_file, server.key_file, client_ca)
    with serving(vault.asgi_app(), tls=tls) as (secure,), serving(plain.asgi_app()) as (insecure,):
        assert secure.startswith("https://")
        urls = {"vault": f"{secure}/graphql", "open": f"{insecure}/graphql"}
        app = create_app(sdl, GatewayConfig(subgraph_urls=urls, **config))
        with serving(app) as (base,):
            yield f"{base}/graphql"


def _ask(server: Issued, client_ca: str | None = None, **config: Any) -> dict[str, Any]:
    with _federation(server, client_ca, **config) as url:
        body: dict[str, Any] = post_graphql(url, "{ secret plain }").json()
        # the gateway keeps serving whatever the handshake did
        assert post_graphql(url, "{ plain }").json() == {"data": {"plain": "hello"}}
        return body


def _refused(body: dict[str, Any]) -> str:
    """The refused fetch's message, after checking the shape of the answer."""
    assert body["data"] == {"secret": None, "plain": "hello"}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert error["extensions"]["service"] == "vault", error
    return str(error["message"])


def test_a_subgraph_with_a_private_ca_is_trusted_by_configuration(pki: dict[str, Any]) -> None:
    body = _ask(pki["server"], tls=ClientTls(ca_file=pki["mesh"].cert_file))
    assert body == {"data": {"secret": "s3cret", "plain": "hello"}}


def test_per_subgraph_settings_apply_to_that_subgraph(pki: dict[str, Any]) -> None:
    body = _ask(pki["server"], subgraph_tls={"vault": ClientTls(ca_file=pki["mesh"].cert_file)})
    assert body == {"data": {"secret": "s3cret", "plain": "hello"}}


def test_without_the_ca_the_certificate_is_refused(pki: dict[str, Any]) -> None:
    message = _refused(_ask(pki["server"]))
    assert "certificate" in message and "vault" in message


def test_a_ca_replaces_the_system_authorities(pki: dict[str, Any]) -> None:
    """Trusting the mesh's CA only: a certificate from another CA is refused."""
    own = pki["stranger"].issue("vault-by-stranger")
    _refused(_ask(own, tls=ClientTls(ca_file=pki["mesh"].cert_file)))


@pytest.mark.parametrize("which", ["wrong_host", "expired"])
def test_a_certificate_for_another_host_or_expired_is_refused(
    pki: dict[str, Any], which: str
) -> None:
    message = _refused(_ask(pki[which], tls=ClientTls(ca_file=pki["mesh"].cert_file)))
    assert "certificate" in message


def test_mutual_tls_with_the_gateways_client_certificate(pki: dict[str, Any]) -> None:
    tls = ClientTls(pki["mesh"].cert_file, pki["gateway"].cert_file, pki["gateway"].key_file)
    body = _ask(pki["server"], pki["mesh"].cert_file, tls=tls)
    assert body == {"data": {"secret": "s3cret", "plain": "hello"}}


@pytest.mark.parametrize("client", [None, "foreign_client"])
def test_mutual_tls_refuses_no_or_a_foreign_client_certificate(
    pki: dict[str, Any], client: str | None
) -> None:
    issued = None if client is None else pki[client]
    tls = ClientTls(
        pki["mesh"].cert_file,
        None if issued is None else issued.cert_file,
        None if issued is None else issued.key_file,
    )
    _refused(_ask(pki["server"], pki["mesh"].cert_file, tls=tls))


def test_per_subgraph_settings_fill_in_from_the_defaults() -> None:
    defaults = ClientTls("ca.pem", "gateway.pem", "gateway-key.pem")
    assert ClientTls(ca_file="other.pem").over(defaults) == ClientTls(
        "other.pem", "gateway.pem", "gateway-key.pem"
    )
    # a certificate comes with its own key, never with the default's
    assert ClientTls(cert_file="own.pem").over(defaults) == ClientTls("ca.pem", "own.pem", None)


def test_unusable_files_stop_the_gateway_naming_the_subgraph(pki: dict[str, Any]) -> None:
    sdl = supergraph_of(_vault(), _open())
    missing = ClientTls(ca_file=str(pki["dir"] / "missing.pem"))
    with pytest.raises(ValueError, match=r"subgraph (open|vault): tls.ca_file .*missing.pem"):
        create_app(sdl, GatewayConfig(tls=missing))
    mismatched = ClientTls(None, pki["gateway"].cert_file, pki["server"].key_file)
    with pytest.raises(ValueError, match=r"subgraph vault: .*the key does not belong"):
        create_app(sdl, GatewayConfig(subgraph_tls={"vault": mismatched}))
    with pytest.raises(ValueError, match="unknown subgraph"):
        create_app(sdl, GatewayConfig(subgraph_tls={"nope": ClientTls(pki["mesh"].cert_file)}))


def _config(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_cli_serves_https_with_client_certificates_and_trusts_a_subgraph_ca(
    pki: dict[str, Any], tmp_path: Path
) -> None:
    """``[gateway.tls]`` and ``[subgraphs.NAME.tls]`` from ``hansa.toml``, paths relative to it."""
    vault, plain = _vault(), _open()
    (tmp_path / "supergraph.graphql").write_text(supergraph_of(vault, plain))
    server = ServerTls(pki["server"].cert_file, pki["server"].key_file)
    with serving(vault.asgi_app(), tls=server) as (secure,), serving(plain.asgi_app()) as (url,):
        mesh = pki["dir"]
        config = _config(
            tmp_path / "hansa.toml",
            f"""
[gateway]
supergraph = "supergraph.graphql"

[gateway.tls]
cert_file = "{mesh}/vault.pem"
key_file = "{mesh}/vault-key.pem"
client_ca_file = "{mesh}/mesh-ca.pem"

[subgraphs.vault]
url = "{secure}/graphql"

[subgraphs.vault.tls]
ca_file = "{mesh}/mesh-ca.pem"

[subgraphs.open]
url = "{url}/graphql"
""",
        )
        process, http_url = start_gateway("--config", str(config))
        gateway_url = http_url.replace("http://", "https://")
        try:
            client = ssl.create_default_context(cafile=pki["mesh"].cert_file)
            client.load_cert_chain(pki["gateway"].cert_file, pki["gateway"].key_file)
            body = first_answer(gateway_url, "{ secret plain }", tls=client)
            assert body == {"data": {"secret": "s3cret", "plain": "hello"}}
            # without a client certificate the gateway refuses the handshake
            anonymous = ssl.create_default_context(cafile=pki["mesh"].cert_file)
            with pytest.raises(OSError):
                post_graphql(gateway_url, "{ plain }", tls=anonymous).json()
        finally:
            process.terminate()
            process.communicate(timeout=10)


def test_the_cli_refuses_an_unusable_certificate(pki: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "supergraph.graphql").write_text(supergraph_of(_vault(), _open()))
    config = _config(
        tmp_path / "hansa.toml",
        '[gateway]\nsupergraph = "supergraph.graphql"\n\n'
        '[federation.tls]\ncert_file = "nowhere.pem"\n',
    )
    process, _ = start_gateway("--config", str(config))
    _out, err = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "tls.cert_file" in err and "nowhere.pem" in err
    assert "Traceback" not in err
