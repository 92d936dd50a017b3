"""The interface ships in English, French, Spanish and Chinese (Simplified): every catalogue is
complete, and pages come out in the visitor's language."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "urbis"
LANGUAGES = ("fr", "es", "zh_Hans")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w+\}")


def _locale_dirs() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("locale") if p.is_dir() and "static" not in p.parts)


def _po_files() -> list[Path]:
    return sorted(p for d in _locale_dirs() for p in d.glob("*/LC_MESSAGES/*.po"))


def _problems_of(path: Path) -> list[str]:
    rel = path.relative_to(ROOT)
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # any parse error is a problem to report, not a crash
        return [f"{rel}: cannot be read ({exc})"]
    # A fuzzy header (as makemessages writes it) is harmless: msgfmt keeps the header anyway.
    problems = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{rel}: fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"{rel}: untranslated: {msgid!r}")
        else:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
            for string in strings:
                if not set(PLACEHOLDER.findall(string)) <= wanted:
                    problems.append(f"{rel}: placeholders differ: {msgid!r} → {string!r}")
    return problems


def test_every_app_catalogue_exists_in_every_language():
    missing = [f"{d.relative_to(ROOT)}/{lang}/LC_MESSAGES/django.po" for d in _locale_dirs() for lang in LANGUAGES
               if not (d / lang / "LC_MESSAGES" / "django.po").exists()]
    assert missing == []


def test_every_po_file_is_fully_translated():
    files = _po_files()
    assert (PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po") in files
    problems = [problem for path in files for problem in _problems_of(path)]
    assert problems == [], "\n".join(problems)


def _compile_stale_catalogues() -> None:
    """Compile .po files whose .mo is missing or older. Written to a temporary file and moved into
    place, so that two test workers compiling at once never leave a half-written .mo."""
    for po in _po_files():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as handle:
                catalog = read_po(handle)
        except Exception:  # noqa: S112 -- reported by test_every_po_file_is_fully_translated
            continue
        catalog.fuzzy = False  # keep the header (its charset) even when makemessages left it fuzzy
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)


@pytest.fixture
def compiled(settings):
    _compile_stale_catalogues()
    # Reassigning LOCALE_PATHS makes Django drop the catalogues it has loaded already.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


EXPECTED = {
    "fr": ("fr", ["Programme", "Membres", "Gouvernements membres", "Région du monde", "Europe", "Espagne"]),
    "es": ("es", ["Programa", "Miembros", "Gobiernos miembros", "Región del mundo", "Europa", "España"]),
    "zh-hans": ("zh-hans", ["日程", "会员", "会员政府", "世界区域", "欧洲", "西班牙"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es", "zh-hans"])
def test_members_page_in_the_language_cookie(client, compiled, language):
    OrganisationFactory(region="europe")
    client.cookies["django_language"] = language
    response = client.get("/members/")
    body = response.content.decode()
    html_lang, words = EXPECTED[language]
    assert f'<html lang="{html_lang}">' in body
    assert [word for word in words if word not in body] == []
    assert "Member governments" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "language"), [("fr-CA,fr;q=0.9", "fr"), ("es-MX", "es"), ("zh-CN,zh;q=0.9", "zh-hans")])
def test_members_page_follows_accept_language(client, compiled, header, language):
    response = client.get("/members/", headers={"accept-language": header})
    body = response.content.decode()
    assert [word for word in EXPECTED[language][1][:3] if word not in body] == []


@pytest.mark.django_db
def test_language_switcher_sets_the_language(client, compiled):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/members/"})
    assert (response.status_code, response["Location"], response.cookies["django_language"].value) == (
        302, "/members/", "es")
    body = client.get("/members/").content.decode()
    assert "Gobiernos miembros" in body
    assert '<option value="es" selected>español</option>' in body


@pytest.mark.django_db
def test_english_is_the_default(client, compiled):
    body = client.get("/members/").content.decode()
    assert ("Member governments" in body, '<html lang="en">' in body) == (True, True)


def test_sdg_short_names_are_translated(compiled):
    from django.utils import translation

    from urbis.core.taxonomies import SDGS

    names = {}
    for language in ("fr", "es", "zh-hans"):
        with translation.override(language):
            names[language] = [str(goal.short_name) for goal in (SDGS[0], SDGS[10], SDGS[16])]
    assert names == {
        "fr": ["Pas de pauvreté", "Villes et communautés durables", "Partenariats pour la réalisation des objectifs"],
        "es": ["Fin de la pobreza", "Ciudades y comunidades sostenibles", "Alianzas para lograr los objetivos"],
        "zh-hans": ["无贫穷", "可持续城市和社区", "促进目标实现的伙伴关系"],
    }
