"""The parser on the seed report (db/zhuzhou-cppcc-2020.txt, from ../shared/corpus/seed/)."""

from __future__ import annotations

import pytest

from tests.conftest import SEED
from zxkb.models import ParsedDocument
from zxkb.parse.frontmatter import find_date
from zxkb.parse.report import ends_sentence, initiative_title, parse_report


@pytest.fixture(scope="module")
def doc() -> ParsedDocument:
    return parse_report(SEED.read_text(encoding="utf-8"))


def test_metadata(doc: ParsedDocument) -> None:
    assert doc.title == "中国人民政治协商会议株洲市委员会常务委员会工作报告"
    assert doc.subtitle == "在政协株洲市第九届委员会第四次会议上"
    assert doc.author == "蔡溪"
    assert doc.date == "2020-01-06"


def test_front_matter_is_not_body(doc: ParsedDocument) -> None:
    roles = {b.role: b.text for b in doc.blocks if b.kind == "front"}
    assert roles["caption"] == "蔡溪作政协常委会工作报告。"
    assert roles["credit"] == "株洲日报记者 谭清云 摄"
    assert roles["salutation"] == "各位委员:"
    body = [b.text for b in doc.blocks if b.kind == "body"]
    assert body[0].startswith("我代表政协株洲市第九届委员会常务委员会")
    assert not any("谭清云" in t for t in body)


def test_sections_heading_lines_and_run_in(doc: ParsedDocument) -> None:
    tops = [s.path for s in doc.sections if s.level == 1]
    assert tops == ["一", "二", "三"]
    children = {top: [s.title for s in doc.sections if s.parent == top] for top in tops}
    assert len(children["一"]) == 5
    assert len(children["三"]) == 3
    assert children["二"] == [
        "立足基本职能,围绕“两个加快”忠诚履职",  # run in
        "紧扣中心环节,围绕“两个加快”团结奋进",  # heading line
        "强化大局意识,围绕“两个加快”担当作为",  # run in
    ]
    runin = doc.blocks[next(s.heading_index for s in doc.sections if s.path == "二(一)")]
    assert runin.kind == "body"  # the run-in heading's paragraph stays searchable body text
    assert runin.text.startswith("(一)立足基本职能")


@pytest.mark.parametrize(
    "joined",
    [
        "高质量推进制造强市建设",
        "省政协交办",
        "坚持和加强党对各项工作领导",
        "《中共中央关于新时代加强和改进人民政协工作的意见》",
    ],
)
def test_page_breaks_are_joined(doc: ParsedDocument, joined: str) -> None:
    assert sum(joined in b.text for b in doc.blocks) == 1
    assert doc.joined_breaks == 4


def test_advertisement_is_noise(doc: ParsedDocument) -> None:
    noise = [b.text for b in doc.blocks if b.kind == "noise"]
    assert noise[0] == "中国银行恭祝全市人民新年快乐!"
    assert all("手机银行" not in b.text for b in doc.blocks if b.kind == "body")
    assert doc.blocks[-1].kind == "noise"
    last_body = [b for b in doc.blocks if b.kind == "body"][-1]
    assert last_body.text.endswith("共同努力奋斗!")


def test_paragraph_order_is_kept(doc: ParsedDocument) -> None:
    texts = [b.text for b in doc.blocks]
    assert texts.index("一、适应新形势,展现新作为,履职尽责取得新成效") < texts.index(
        "(一)致力凝聚共识,牢牢把握正确政治方向"
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("更好发挥专门协商机构作用。通过大会发言、联组协商、小组讨论等形式", "更好发挥专门协商机构作用"),
        ("加强提案信息工作,积极反映民众关切。立案的225件提案中", "加强提案信息工作,积极反映民众关切"),
        ("我们以开展远程协商为重点,推进履职方式新探索。首次采用", "我们以开展远程协商为重点"),
    ],
)
def test_initiative_titles(text: str, title: str) -> None:
    assert initiative_title(text) == title


def test_an_address_to_the_audience_is_not_a_title() -> None:
    assert (
        initiative_title("各位委员、同志们,过去一年工作成绩的取得,是中共株洲市委正确领导的结果。")
        == "过去一年工作成绩的取得"
    )
    assert (
        initiative_title("各位代表！蓝图已经绘就，实干创造未来。让我们更加紧密地团结") == "蓝图已经绘就，实干创造未来"
    )


def test_long_first_clause_is_cut_and_a_bare_year_is_not_a_title() -> None:
    title = initiative_title("2019年,市政协坚持以习近平新时代中国特色社会主义思想为指引,在中共株洲市委的坚强领导下。")
    assert title.startswith("2019年,市政协坚持")  # `2019年` alone is extended to the next clause
    assert len(title) == 30 and title.endswith("…")


def test_sentence_ends_and_dates() -> None:
    assert ends_sentence("表示衷心的感谢和崇高的敬意!")
    assert ends_sentence("他说:“好。”")
    assert not ends_sentence("通过了《关于“大力实施创新驱动战略,高质")
    assert find_date("2020年1月6日") == "2020-01-06"
    assert find_date("——２０１８年３月５日在第十三届全国人民代表大会第一次会议上") == "2018-03-05"
    assert find_date("二〇二〇年一月六日") == "2020-01-06"
    assert find_date("2020年13月6日") is None
