"""API wiring only: one NinjaAPI at /api/v1/, each app's router mounted under its own prefix."""

from ninja import NinjaAPI

from .errors import install_error_handlers
from .openapi import document_error_responses


class UrbisAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_error_responses(schema)


api = UrbisAPI(
    title="Urbis API",
    version="1",
    description="The JSON API of Urbis. Every endpoint calls the same services as the pages. "
    "Errors: {\"error\": {\"code\", \"message\", \"field\"}} with a 4xx status.",
    urls_namespace="api",
)
install_error_handlers(api)

# Each app that offers endpoints adds its router here: (prefix, module path of a `router`).
ROUTERS: list[tuple[str, str]] = [
    ("/", "urbis.program.api"),
    ("/members", "urbis.members.api"),
    ("/registration", "urbis.registration.api"),
    ("/awards", "urbis.awards.api"),
    ("/assembly", "urbis.assembly.api"),
    ("/tokens", "urbis.api.tokens"),
]


def _mount() -> None:
    from importlib import import_module

    for prefix, module in ROUTERS:
        api.add_router(prefix, import_module(module).router)


_mount()
