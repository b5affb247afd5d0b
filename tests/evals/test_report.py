from pathlib import Path

from askwell.evals.report import update_section


def test_sections_are_replaced_in_place_and_others_kept(tmp_path: Path) -> None:
    doc = tmp_path / "evaluation.md"
    update_section(doc, "a", "table A v1")
    update_section(doc, "b", "table B")
    update_section(doc, "a", "table A v2")
    text = doc.read_text()
    assert "table A v2" in text
    assert "table A v1" not in text
    assert "table B" in text
    assert text.index("table A v2") < text.index("table B")
