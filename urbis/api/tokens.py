"""Personal API tokens (mounted at /api/v1/tokens): a logged-in person makes, lists and revokes
their own tokens. Making one needs the session (with its CSRF token), so a token cannot mint others."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema, Status

from . import services
from .auth import api_auth, session_auth
from .models import ApiToken
from .schemas import errors

router = Router(tags=["tokens"])


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret: shown this once, never again.")


def _out(token: ApiToken) -> dict:
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
            "last_used_at": token.last_used_at, "revoked_at": token.revoked_at}


@router.get("", response={200: list[TokenOut], **errors(401)}, auth=api_auth, summary="My API tokens")
def list_tokens(request):
    return [_out(t) for t in ApiToken.objects.filter(user=request.auth)]


@router.post("", response={201: NewTokenOut, **errors(401, 403, 409, 422)}, auth=session_auth,
             summary="Make an API token (the secret is in this answer only)")
def create_token(request, payload: TokenIn):
    token, secret = services.create_api_token(user=request.auth, name=payload.name, actor=request.auth)
    return Status(201, {**_out(token), "token": secret})


@router.post("/{token_id}/revoke", response={200: TokenOut, **errors(401, 403, 404, 409)}, auth=api_auth,
             summary="Revoke one of my API tokens")
def revoke_token(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id, user=request.auth).first() if 0 < token_id < 2**63 else None
    if token is None:
        raise Http404
    return _out(services.revoke_api_token(token=token, actor=request.auth))
