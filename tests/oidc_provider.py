"""A real OpenID Connect provider for tests, built from Authlib's server components.

It serves discovery, JWKS, an authorize page (a form where the test person picks who they
are), and the token endpoint over real HTTP on a loopback port. Authorization code flow only,
PKCE required (S256), ID tokens signed RS256 with a key made at start. Knobs let a test hand
out an ID token for another audience or one that has already expired.

Run on its own for a production-like set-up by hand (docs/drift.md):
``python -m tests.oidc_provider --port 8400 --client samverkan:hemlig --redirect URI --user kim:Grupp``.
"""

from __future__ import annotations

import argparse
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from markupsafe import escape
from werkzeug.serving import make_server
from werkzeug.wrappers import Response


@dataclass
class Person:
    username: str
    groups: list[str]
    name: str = ""
    email: str = ""
    subject: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "profile", "email"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """One provider on ``127.0.0.1:port``; ``issuer`` is its base URL."""

    def __init__(self, port: int = 0) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig", "alg": "RS256"})
        self.clients: dict[str, Client] = {}
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Code] = {}
        self.audience: str | None = None  # set: ID tokens name this audience instead of the client
        self.lifetime = 300  # seconds an ID token lives; negative: expired when issued
        self.token_requests: list[dict[str, str]] = []
        self.app = self._make_app()
        self._server = make_server("127.0.0.1", port, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"

    def add_client(self, client_id: str, secret: str, *redirect_uris: str) -> None:
        self.clients[client_id] = Client(client_id, secret, list(redirect_uris))

    def add_person(self, username: str, groups: list[str], name: str = "", email: str = "") -> Person:
        person = Person(username, groups, name or username.title(), email or f"{username}@malmo.se")
        self.people[username] = person
        return person

    @contextmanager
    def running(self) -> Iterator[Provider]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            thread.join()

    def _make_app(self) -> Flask:
        app = Flask(__name__)
        server = AuthorizationServer(app, query_client=self.clients.get, save_token=lambda token, req: None)
        code_grant, id_token = _grants(self)
        server.register_grant(code_grant, [CodeChallenge(required=True), id_token(require_nonce=True)])
        _routes(app, server, self)
        return app


def _grants(provider: Provider) -> tuple[type[grants.AuthorizationCodeGrant], type[OpenIDCode]]:
    """Authlib's code grant and OpenID extension, keeping codes and people in ``provider``."""

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            provider.codes[code] = Code(
                code,
                req.client.client_id,
                req.payload.redirect_uri,
                req.payload.scope,
                req.user,
                data.get("nonce"),
                data.get("code_challenge"),
                data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = provider.codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> Person:
            return authorization_code.user

    class IdToken(OpenIDCode):
        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return provider.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": "test-1"}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            now = int(time.time())
            audience = provider.audience or client.client_id
            claims = {"iss": provider.issuer, "aud": [audience], "iat": now, "exp": now + provider.lifetime}
            return {**claims, "azp": client.client_id}  # as Keycloak and Entra ID send it

        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return False

        def generate_user_info(self, user: Person, scope: str) -> UserInfo:
            return UserInfo(
                sub=user.subject,
                name=user.name,
                preferred_username=user.username,
                email=user.email,
                groups=user.groups,
            )

    return CodeGrant, IdToken


def _routes(app: Flask, server: AuthorizationServer, provider: Provider) -> None:
    @app.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        return jsonify(
            issuer=provider.issuer,
            authorization_endpoint=f"{provider.issuer}/authorize",
            token_endpoint=f"{provider.issuer}/token",
            jwks_uri=f"{provider.issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            scopes_supported=["openid", "profile", "email"],
        )

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        if request.method == "GET":
            server.get_consent_grant(end_user=None)  # refuses a bad request (no PKCE, unknown client) now
            return (
                '<!doctype html><html lang="en"><title>Test provider</title><main><h1>Test provider</h1>'
                f'<form method="post" action="{escape(request.full_path)}">'
                '<label for="who">Who are you</label><input id="who" name="who">'
                "<button>Sign in at the provider</button></form></main></html>"
            )
        person = provider.people.get(request.form.get("who", ""))
        if person is None:
            return "unknown person", 403
        grant = server.get_consent_grant(end_user=person)
        return server.create_authorization_response(grant=grant, grant_user=person)

    @app.post("/token")
    def token() -> Response:
        provider.token_requests.append(dict(request.form))
        response: Response = server.create_token_response()
        return response


def main() -> None:
    parser = argparse.ArgumentParser(description="A test OpenID Connect provider (never for real use).")
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--client", required=True, help="CLIENT_ID:SECRET")
    parser.add_argument("--redirect", action="append", required=True, help="Samverkan's /login/sso/callback URL")
    parser.add_argument("--user", action="append", default=[], help="NAME:GROUP[,GROUP…]")
    args = parser.parse_args()
    provider = Provider(args.port)
    client_id, _, secret = args.client.partition(":")
    provider.add_client(client_id, secret, *args.redirect)
    for spec in args.user:
        name, _, groups = spec.partition(":")
        provider.add_person(name, [g for g in groups.split(",") if g])
    print(f"issuer {provider.issuer}", flush=True)
    provider._server.serve_forever()


if __name__ == "__main__":
    main()
