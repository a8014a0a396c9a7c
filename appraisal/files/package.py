"""The parts of an Excel package, checked once its sizes have passed `zipcheck`.

Some readers guess their way past a missing or damaged part and others stop; these
checks make every command (run, import, template, replay --workbook) refuse the same
files: the content types, the workbook and each sheet it lists must be there, as the
package's own relationships name them, and the style part must be well-formed with
whole-number ids.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

from appraisal.i18n import _

__all__ = ["package_problem"]

_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _parts_problem(data: bytes) -> str | None:
    """The parts every workbook has, as the package's own relationships name them: the
    content types, the workbook, and each sheet the workbook lists. Some readers guess
    their way past a missing part and others stop; every command refuses it alike."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            return _("no [Content_Types].xml: not a complete Excel package")
        try:
            documents = _targets(archive, "_rels/.rels", "", kind="/officeDocument")
            workbook = documents[0] if documents else None
            if workbook is None or workbook not in names:
                return _("the workbook part {value} is missing").format(
                    value=workbook or _("(none named)")
                )
            folder = workbook.rpartition("/")[0]
            rels = f"{folder}/_rels/{workbook.rpartition('/')[2]}.rels"
            for target in _targets(archive, rels, folder):
                if "worksheets/" in target and target not in names:
                    return _(
                        "the sheet part {target}, which the workbook lists, is missing"
                    ).format(target=target)
        except (KeyError, ParseError) as error:
            return _("the package's relationships cannot be read ({error})").format(error=error)
    return None


def _targets(archive: zipfile.ZipFile, rels: str, folder: str, kind: str = "") -> list[str]:
    """The parts a relationships part points to (of a type ending in ``kind``), as names
    inside the zip."""
    targets = []
    for relation in ElementTree.fromstring(archive.read(rels)).iter(_RELS):
        target = relation.get("Target", "")
        if relation.get("TargetMode") == "External" or not relation.get("Type", "").endswith(kind):
            continue
        path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
        targets.append(path)
    return targets


# The style part's attributes that every reader takes as whole numbers (ECMA-376 xsd:unsignedInt).
_STYLE_IDS = ("numFmtId", "fontId", "fillId", "borderId", "xfId", "count")


def _styles_problem(data: bytes) -> str | None:
    """The style part, which some readers skip and others need: well-formed XML whose
    ids are whole numbers, so that every command reads the same file the same way.
    Called once every part has passed the size checks."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        try:
            text = archive.read("xl/styles.xml")
        except KeyError:
            return None
    try:
        root = ElementTree.fromstring(text)
    except ParseError as error:
        return _("xl/styles.xml is not well-formed XML ({error})").format(error=error)
    for element in root.iter():
        for name in _STYLE_IDS:
            value = element.get(name)
            if value is not None and not value.isdigit():
                tag = element.tag.rpartition("}")[2]
                return _('xl/styles.xml: <{tag} {name}="{value}"> is not a whole number').format(
                    tag=tag, name=name, value=value
                )
    return None


def package_problem(data: bytes) -> str | None:
    """What is missing or damaged in the package's parts, or None."""
    return _parts_problem(data) or _styles_problem(data)
