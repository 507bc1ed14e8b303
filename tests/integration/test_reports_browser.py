"""The officer's printable reports in a real browser: `mediactl report … --format html` opened by
Debian's headless chromium, read back from the DOM it built, printed to PDF (pages, page numbers,
repeated table headers, CJK fonts) and photographed (not blank); CSV against JSON; wrong input.

Every expected number here is written by hand from the data in reportbed.py (VIOLATIONS,
DEVICE_EVENTS, the five media of make_ledger), never taken from mediactl's own output.
Times are asked for with --tz +08:00: three violations sit on a boundary only the zone decides.

The screenshot in the README is made from the same ledger:
    python3 tests/integration/test_reports_browser.py --screenshot docs/img/report-audit-zh.png
(MEDIACTL_BIN names the mediactl to use; chromium, python3-pil as for the test.)
"""

import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import reportbed  # noqa: E402
from reportbed import Chromium, ctl, parse_dom  # noqa: E402

TZ = "+08:00"

# -- what the data in reportbed.py gives, counted by hand ------------------------------------

# report violations --year 2026 (Beijing time): 15 of the 17 rows; the first (2025-06) and the
# last (2027-01-01 00:30 in Beijing) are outside, the 2025-12-31T17:00Z one is inside (January).
# None of the bed's violations is handled yet: every handling outcome counts 0.
YEAR_TOTALS = {"violations": 15, "open": 11, "acknowledged": 4, "handled": 0, "critical": 4, "high": 9, "medium": 2, "low": 0,
               "blocked": 12, "logged": 1, "audited": 2,
               "criticism": 0, "rectify": 0, "notice": 0, "admonish": 0, "refer": 0, "false-alarm": 0}
YEAR_MONTHS = [("2026-01", 1), ("2026-02", 0), ("2026-03", 2), ("2026-04", 0), ("2026-05", 0), ("2026-06", 0),
               ("2026-07", 0), ("2026-08", 0), ("2026-09", 0), ("2026-10", 5), ("2026-11", 3), ("2026-12", 4)]
YEAR_TYPES = {"unregistered-medium": 7, "level-above-computer": 4, "network-device": 2, "state-forbids-use": 2}
YEAR_TIMES = ["2026-01-01 01:00", "2026-03-05 10:00", "2026-03-20 10:00", "2026-10-01 01:00", "2026-10-05 10:00",
              "2026-10-12 14:30", "2026-10-20 09:15", "2026-10-28 16:45", "2026-11-03 11:00", "2026-11-15 08:30",
              "2026-11-27 19:00", "2026-12-02 10:00", "2026-12-09 13:20", "2026-12-18 15:00", "2026-12-30 17:40"]

# report audit --quarter 2026Q4: October 5 (one at 01:00 on the 1st, Beijing), November 3, December 4.
Q4_VIOLATIONS = 12
Q4_TYPES = {"unregistered-medium": 6, "level-above-computer": 4, "network-device": 2}
AUDIT_TOTALS = {"computers": 2, "device_events": 7, "attached_allowed": 3, "attached_refused": 2, "guard_starts": 1,
                "guard_stops": 1, "guard_gaps": 1, "link_events": 1, "violations": 12, "violations_open": 9,
                "trail_problems": 0}

# report ledger: five media, one destroyed, one on loan, GP-2026-001 reclassified top-secret -> secret.
LEDGER_TOTALS = {"media": 5, "top-secret": 0, "secret": 2, "confidential": 2, "internal": 1, "unclassified": 0,
                 "in-service": 3, "loaned": 1, "carried-out": 0, "under-repair": 0, "pending-destruction": 0,
                 "destroyed": 1, "lost": 0, "handed-back": 0}

CJK = re.compile(r"[\u4e00-\u9fff]")
SVG_NS = "http://www.w3.org/2000/svg"

# The reports opened in the browser: name -> (mediactl arguments, language).
REPORTS = {
    "violations-zh": (["--lang", "zh", "report", "violations", "--year", "2026"], "zh"),
    "violations-en": (["report", "violations", "--year", "2026", "--lang", "en"], "en"),
    "audit-zh": (["--lang", "zh", "report", "audit", "--quarter", "2026Q4"], "zh"),
    "audit-en": (["report", "audit", "--quarter", "2026Q4", "--lang", "en"], "en"),
    "ledger-zh": (["--lang", "zh", "report", "ledger"], "zh"),
}


def render(db, args, out):
    ctl(db, *args, "--tz", TZ, "--format", "html", "--output", out)
    with open(out, encoding="utf-8") as f:
        return f.read()


def page_number(number, pages):
    """`3 / 15` in the bottom-right margin box (pdftotext may drop the spaces)."""
    return rf"(?m)\b{number}\s*/\s*{pages}\s*$"


def header_line(text):
    """A printed page's first line: the top margin boxes (unit and computer, the title)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def local_display(local):
    """`2026-10-05 10:00` -> how the HTML and CSV print it."""
    return f"{local}:00 {TZ}"


_work = None
_db = None


def setUpModule():
    global _work, _db
    _work = tempfile.mkdtemp(prefix="reports-browser-")
    unittest.addModuleCleanup(shutil.rmtree, _work, ignore_errors=True)
    _db = reportbed.make_ledger(_work)


class PrintedReports(unittest.TestCase):
    """The five HTML reports: each opened once in chromium for the DOM, the PDF and a screenshot."""

    @classmethod
    def setUpClass(cls):
        cls.chromium = Chromium(_work)
        cls.html = {}
        cls.source = {}
        cls.doms = {}
        for name, (args, _language) in REPORTS.items():
            path = os.path.join(_work, name + ".html")
            cls.source[name] = render(_db, args, path)
            cls.html[name] = path

    def dom(self, name):
        if name not in self.doms:
            self.doms[name] = parse_dom(self.chromium.dump_dom(self.html[name]))
        return self.doms[name]

    def main_table(self, dom, table_id):
        tables = dom.find_all("table", cls="main")
        self.assertEqual([t.attrs.get("id") for t in tables], [table_id], "one main table")
        return tables[0]

    def rows(self, dom, table_id):
        tables = dom.find_all("table", id=table_id)
        self.assertEqual(len(tables), 1, f"one table {table_id}")
        rows = reportbed.body_rows(tables[0])
        return [r for r in rows if "none" not in r.classes()]

    def key_counts(self, dom, table_id):
        return {cells[0]: int(cells[-1]) for cells in map(reportbed.cells, self.rows(dom, table_id))}

    def assert_language(self, dom, language):
        html = dom.find_all("html")[0]
        self.assertEqual(html.attrs.get("lang"), "zh-CN" if language == "zh" else "en")
        title = dom.find_all("h1")[0].text()
        if language == "zh":
            self.assertRegex(title, CJK, "the zh report's title is Chinese")
        else:
            self.assertNotRegex(title, CJK, "the en report's title is English")

    # -- the DOM --------------------------------------------------------------------------

    def test_violations_year_in_the_dom(self):
        for name, title in (("violations-zh", "违规情况统计报告"), ("violations-en", "Violations report")):
            with self.subTest(report=name):
                dom = self.dom(name)
                self.assert_language(dom, REPORTS[name][1])
                self.assertEqual(dom.find_all("h1")[0].text(), title)
                self.assertEqual(reportbed.totals(dom), YEAR_TOTALS)
                main = self.main_table(dom, "t-violations")
                rows = reportbed.body_rows(main)
                self.assertEqual(len(rows), YEAR_TOTALS["violations"], "detail rows")
                times = sorted(reportbed.cells(r)[1] for r in rows)
                self.assertEqual(times, [local_display(t) for t in YEAR_TIMES], "the rows' times, Beijing")
                charts = reportbed.charts(dom)
                month_charts = [counts for _title, counts in charts if len(counts) == 12]
                self.assertEqual(month_charts, [[count for _month, count in YEAR_MONTHS]], f"the month chart: {charts}")
                self.assertEqual(len(charts), 2, f"charts: {charts}")
                type_chart = [counts for _title, counts in charts if len(counts) != 12]
                self.assertEqual([sorted(c) for c in type_chart], [sorted(YEAR_TYPES.values())], "the type chart")
                self.assertEqual(self.key_counts(dom, "t-by_month"), dict(YEAR_MONTHS))
                self.assertEqual(self.key_counts(dom, "t-by_type"), YEAR_TYPES)
                self.assertEqual(self.key_counts(dom, "t-by_status"), {"open": 11, "acknowledged": 4})
                if name.endswith("zh"):
                    text = dom.text()
                    for word in ("未登记存储介质", "张三 (P001)", "按月份"):
                        self.assertIn(word, text)

    def test_audit_quarter_in_the_dom(self):
        for name, title in (("audit-zh", "涉密计算机安全保密审计报告（2026年第4季度）"),
                            ("audit-en", "Security audit report of classified computers, 2026 Q4")):
            with self.subTest(report=name):
                dom = self.dom(name)
                self.assert_language(dom, REPORTS[name][1])
                self.assertEqual(dom.find_all("h1")[0].text(), title)
                totals = reportbed.totals(dom)
                self.assertEqual({k: totals.get(k) for k in AUDIT_TOTALS}, AUDIT_TOTALS)
                main = self.main_table(dom, "t-violations")
                self.assertEqual(len(reportbed.body_rows(main)), Q4_VIOLATIONS, "detail rows")
                charts = reportbed.charts(dom)
                self.assertEqual([sorted(counts) for _t, counts in charts], [sorted(Q4_TYPES.values())], f"charts: {charts}")
                self.assertEqual(self.key_counts(dom, "t-by_type"), Q4_TYPES)
                self.assertEqual(len(self.rows(dom, "t-computers")), 2)
                self.assertEqual(len(self.rows(dom, "t-guard")), 3, "guard start, gap, stop")
                self.assertEqual(len(self.rows(dom, "t-links")), 1)
                self.assertEqual(len(self.rows(dom, "t-refused")), 2, "two strangers refused")
                used = [reportbed.cells(r) for r in self.rows(dom, "t-devices_used")]
                self.assertEqual([(u[3], u[5]) for u in used], [("U-2026-0001", "3")], "one stick used three times in Q4")
                self.assertEqual(dom.find_all("dd", data_key="asset_number")[0].text(), "PC-001")
                self.assertEqual(len(dom.find_all("div", cls="signature")), 3)
                if name.endswith("zh"):
                    text = dom.text()
                    for word in ("一、概况", "二、审计内容", "三、违规分析及处理情况", "某某局", "审计员（签字）"):
                        self.assertIn(word, text)

    def test_ledger_in_the_dom(self):
        dom = self.dom("ledger-zh")
        self.assert_language(dom, "zh")
        self.assertEqual(dom.find_all("h1")[0].text(), "涉密载体登记台账")
        self.assertEqual(reportbed.totals(dom), LEDGER_TOTALS)
        rows = [reportbed.cells(r) for r in reportbed.body_rows(self.main_table(dom, "t-media"))]
        self.assertEqual(len(rows), 5)
        by_number = {r[1]: r for r in rows}
        self.assertEqual(sorted(by_number), ["GP-2026-001", "U-2026-0001", "U-2026-0002", "U-2026-0003", "U-2026-0004"])
        self.assertEqual(by_number["GP-2026-001"][6], "机密", "reclassified to secret")
        self.assertEqual(by_number["U-2026-0002"][14], "已销毁")
        self.assertEqual(by_number["U-2026-0003"][14], "借出")
        self.assertEqual(by_number["U-2026-0003"][15], "李四 (P002)")
        self.assertEqual(by_number["U-2026-0001"][8], "张三 (P001)")

    def test_html_is_self_contained(self):
        for name, source in self.source.items():
            with self.subTest(report=name):
                self.assertNotIn("<script", source.lower())
                urls = re.findall(r"https?://[^\s\"'<>)]*", source)
                self.assertEqual(sorted(set(urls) - {SVG_NS}), [], "nothing fetched")
                for needle in ("<link", "@import", "<iframe", "<img", " src="):
                    self.assertNotIn(needle, source.lower())
                self.assertIn("@page", source)
                self.assertIn("counter(page)", source)
                self.assertIn("display: table-header-group", source)

    def test_lang_before_or_after_report(self):
        before = os.path.join(_work, "lang-before.html")
        after = os.path.join(_work, "lang-after.html")
        a = render(_db, ["--lang", "en", "report", "ledger"], before)
        b = render(_db, ["report", "ledger", "--lang", "en"], after)
        generated = re.compile(r"(Generated:?\s*</dt><dd[^>]*>|Generated )[^<\"]*")
        self.assertEqual(generated.sub("", a), generated.sub("", b))
        self.assertIn('<html lang="en">', a)

    # -- printed --------------------------------------------------------------------------

    def test_printed_to_pdf(self):
        for name, (_args, language) in REPORTS.items():
            with self.subTest(report=name):
                pdf = self.chromium.pdf(self.html[name], os.path.join(_work, name + ".pdf"))
                pages = reportbed.pdf_pages(pdf)
                self.assertGreaterEqual(pages, 1)
                texts = reportbed.pdf_page_texts(pdf)
                self.assertEqual(len(texts), pages)
                title = self.dom(name).find_all("h1")[0].text()
                for number, text in enumerate(texts, 1):
                    self.assertRegex(text, page_number(number, pages), f"page number on page {number} of {pages}")
                    self.assertTrue(header_line(text).endswith(title),
                                    f"page {number}'s header shows the title {title!r}: {header_line(text)!r}")
                fonts = reportbed.pdf_fonts(pdf)
                self.assertTrue(fonts and all(emb and uni for emb, uni in fonts), f"fonts embedded, with text: {fonts}")
                if language == "zh":
                    # The first family of the style sheet that fontconfig has must cover Chinese:
                    # otherwise chromium falls back to whatever it finds, or draws boxes.
                    stack = reportbed.css_font_families(self.source[name])
                    installed = [f for f in stack if f in reportbed.cjk_families()]
                    self.assertTrue(installed, f"no family of {stack} covers Chinese here (fonts-noto-cjk)")
                    self.assertIn(re.sub(r"\s", "", title), re.sub(r"\s", "", texts[0]), "the Chinese title as text")

    def test_screenshots_are_not_blank(self):
        for name in REPORTS:
            with self.subTest(report=name):
                png = self.chromium.screenshot(self.html[name], os.path.join(_work, name + ".png"))
                width, height, colours, non_white = reportbed.image_stats(png)
                self.assertEqual((width, height), (1280, 1800))
                self.assertGreater(colours, 8, "more than a few colours")
                self.assertGreater(non_white, width * height // 200, "text and lines, not a white page")


class ManyRows(unittest.TestCase):
    """200 detail rows: several A4 pages, each with the table's header and a page number."""

    def test_two_hundred_rows_print_on_pages_with_headers(self):
        work = tempfile.mkdtemp(prefix="reports-bulk-", dir=_work)
        db = reportbed.make_bulk_ledger(work)
        html = os.path.join(work, "bulk.html")
        render(db, ["report", "violations", "--year", "2026", "--lang", "en"], html)
        chromium = Chromium(work)
        dom = parse_dom(chromium.dump_dom(html))
        self.assertEqual(reportbed.totals(dom)["violations"], 200)
        main = dom.find_all("table", cls="main")[0]
        self.assertEqual(len(reportbed.body_rows(main)), 200)
        charts = reportbed.charts(dom)
        self.assertIn([20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 0, 0], [counts for _t, counts in charts])
        pdf = chromium.pdf(html, os.path.join(work, "bulk.pdf"))
        pages = reportbed.pdf_pages(pdf)
        self.assertGreater(pages, 2, "200 rows take several pages")
        texts = reportbed.pdf_page_texts(pdf)
        self.assertEqual(len(texts), pages)
        with_rows = [n for n, text in enumerate(texts, 1) if "bulkrow" in text]
        self.assertGreater(len(with_rows), 1, "the detail table runs over pages")
        for number, text in enumerate(texts, 1):
            self.assertRegex(text, page_number(number, pages), f"page number on page {number}")
            if number in with_rows:
                # Whole words of the detail table's header (narrow columns break the others).
                self.assertRegex(text, r"#\s+Time\s+Type\s", f"the detail table's header repeated on page {number}")
                self.assertIn("Reason", text, f"the detail table's header repeated on page {number}")


class CSVAndJSON(unittest.TestCase):
    """`report violations` as CSV is JSON's rows, cell by cell."""

    def report(self, *args):
        result = ctl(_db, "--lang", "en", "report", "violations", "--year", "2026", "--tz", TZ, *args)
        return result.stdout

    def test_csv_cells_equal_json_rows(self):
        raw_csv = self.report("--format", "csv")
        document = json.loads(self.report("--format", "json"))
        self.assertTrue(raw_csv.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark")
        self.assertNotIn(b"\n", raw_csv.replace(b"\r\n", b""), "CRLF line ends only")
        table = list(csv.reader(io.StringIO(raw_csv.decode("utf-8-sig"), newline="")))
        header, body = table[0], table[1:]
        self.assertEqual(document["report"], "violations")
        self.assertEqual(document["period"]["from"], "2026-01-01")
        self.assertEqual(document["period"]["to"], "2026-12-31")
        self.assertEqual(document["totals"], YEAR_TOTALS)
        rows = document["rows"]
        self.assertEqual(len(rows), 15)
        self.assertEqual(len(body), 15)
        self.assertEqual(len(header), len(rows[0]))
        self.assertEqual(sorted(r["at"] for r in rows), [t.replace(" ", "T") + ":00" + TZ for t in YEAR_TIMES])
        time_keys = {"at", "handled_at"}
        for index, (row, line) in enumerate(zip(rows, body)):
            self.assertEqual(len(line), len(row), f"row {index}: {line}")
            for (key, value), cell in zip(row.items(), line):
                if value is None:
                    expected = ""
                elif key in time_keys:
                    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)([+-]\d\d:\d\d|Z)", value)
                    self.assertIsNotNone(match, f"row {index} {key}: {value!r} is RFC 3339")
                    expected = f"{match.group(1)} {match.group(2)} {match.group(3)}" if match else None
                else:
                    expected = str(value)
                self.assertEqual(cell, expected, f"row {index} column {key}")
        self.assertEqual({r["key"]: r["count"] for r in document["tables"]["by_type"]}, YEAR_TYPES)

    def test_counts_by_month(self):
        document = json.loads(self.report("--by", "month", "--format", "json"))
        self.assertEqual([(r["key"], r["count"]) for r in document["rows"]], YEAR_MONTHS)
        raw_csv = self.report("--by", "month", "--format", "csv").decode("utf-8-sig")
        body = list(csv.reader(io.StringIO(raw_csv, newline="")))[1:]
        self.assertEqual([(r[0], int(r[-1])) for r in body], YEAR_MONTHS)


class WrongInput(unittest.TestCase):
    """Wrong periods, people and formats end with a message and sysexits' status, not a report."""

    def check(self, args, status):
        result = ctl(_db, "--lang", "en", *args, check=False)
        self.assertEqual(result.returncode, status, f"{' '.join(args)}: {result.stderr.decode('utf-8', 'replace')}")
        self.assertNotEqual(result.stderr.strip(), b"", "a message")
        self.assertEqual(result.stdout, b"", "no report")
        return result.stderr.decode("utf-8", "replace")

    def test_wrong_input(self):
        cases = [
            (["report", "violations", "--quarter", "2026Q5"], 65, "2026Q5"),
            (["report", "person", "NOPE"], 66, "NOPE"),
            (["report", "violations", "--from", "2026-12-01", "--to", "2026-11-01"], 65, "2026-12-01"),
            (["report", "audit", "--from", "2026-12-01", "--to", "2026-11-01", "--format", "html"], 65, "2026-12-01"),
            (["report", "violations", "--format", "pdf"], 64, "pdf"),
        ]
        for args, status, mentioned in cases:
            with self.subTest(args=" ".join(args)):
                message = self.check(args, status)
                self.assertIn(mentioned, message)

    def test_wrong_input_writes_no_file(self):
        out = os.path.join(_work, "never.html")
        self.check(["report", "audit", "--quarter", "2026Q5", "--format", "html", "--output", out], 65)
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(out + ".partial"))


def make_screenshot(out):
    """The README's picture: the zh audit report of the sample ledger, its first screen."""
    work = tempfile.mkdtemp(prefix="reports-screenshot-")
    try:
        db = reportbed.make_ledger(work)
        html = os.path.join(work, "audit-zh.html")
        ctl(db, "--lang", "zh", "report", "audit", "--quarter", "2026Q4", "--tz", "Asia/Shanghai", "--format", "html",
            "--output", html)
        png = Chromium(work).screenshot(html, os.path.join(work, "audit-zh.png"), size=(1280, 1800))
        reportbed.shrink_png(png, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{out}: {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--screenshot":
        make_screenshot(sys.argv[2])
    else:
        unittest.main()
