"""The officer's reports in a real browser: a ledger with hand-written data made by the real
mediactl, Debian's headless chromium to load, print and photograph the HTML, poppler's tools
to read the PDF, and a small DOM reader for what chromium serialised (--dump-dom).

Needs chromium, fonts-noto-cjk, poppler-utils and python3-pil (`make deps` installs them).
Chromium runs without the umockdev preload (run.sh puts the test driver under it) and with a
fresh profile each time.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from html.parser import HTMLParser

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(os.path.dirname(MEDIAD), "mediactl"))

CHROMIUM_TIMEOUT = 60


# -- the ledger ------------------------------------------------------------------------------

def ctl(db, *args, check=True):
    """mediactl --db DB ARGS; raises AssertionError with stderr when check and it fails."""
    result = subprocess.run([MEDIACTL, "--db", db, *args], capture_output=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"mediactl {' '.join(args)} failed ({result.returncode}): "
                             f"{result.stderr.decode('utf-8', 'replace')}")
    return result


def insert(db, table, rows):
    """Inserts dicts (column: value) into `table` of the ledger mediactl made."""
    connection = sqlite3.connect(db, timeout=10)
    try:
        for row in rows:
            columns = ", ".join(row)
            marks = ", ".join("?" * len(row))
            connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        connection.commit()
    finally:
        connection.close()


# Stored times are UTC; the reports are asked for with --tz +08:00, so each row below says its
# local time too. Chosen so that three rows sit on a boundary only the zone decides.
#   (utc, local +08:00, type, severity, outcome, person, medium, status)
VIOLATIONS = [
    # outside 2026 in both zones
    ("2025-06-10T02:00:00Z", "2025-06-10 10:00", "unregistered-medium", "high", "blocked", "P001", None, "open"),
    # 2025 in UTC, 2026-01-01 in Beijing: in 2026, January
    ("2025-12-31T17:00:00Z", "2026-01-01 01:00", "unregistered-medium", "high", "blocked", "P001", None, "open"),
    ("2026-03-05T02:00:00Z", "2026-03-05 10:00", "state-forbids-use", "high", "blocked", "P002", "U-2026-0002", "acknowledged"),
    ("2026-03-20T02:00:00Z", "2026-03-20 10:00", "state-forbids-use", "medium", "blocked", "P002", "U-2026-0002", "open"),
    # September in UTC, 2026-10-01 in Beijing: in Q4, October
    ("2026-09-30T17:00:00Z", "2026-10-01 01:00", "unregistered-medium", "high", "blocked", "P001", None, "open"),
    ("2026-10-05T02:00:00Z", "2026-10-05 10:00", "unregistered-medium", "high", "blocked", "P001", None, "open"),
    ("2026-10-12T06:30:00Z", "2026-10-12 14:30", "level-above-computer", "critical", "blocked", "P002", "GP-2026-001", "acknowledged"),
    ("2026-10-20T01:15:00Z", "2026-10-20 09:15", "network-device", "high", "blocked", "P003", None, "open"),
    ("2026-10-28T08:45:00Z", "2026-10-28 16:45", "unregistered-medium", "high", "audited", "P003", None, "open"),
    ("2026-11-03T03:00:00Z", "2026-11-03 11:00", "level-above-computer", "critical", "blocked", "P002", "GP-2026-001", "acknowledged"),
    ("2026-11-15T00:30:00Z", "2026-11-15 08:30", "unregistered-medium", "high", "blocked", "P001", None, "open"),
    ("2026-11-27T11:00:00Z", "2026-11-27 19:00", "network-device", "high", "logged", "P003", None, "open"),
    ("2026-12-02T02:00:00Z", "2026-12-02 10:00", "unregistered-medium", "high", "blocked", "P001", None, "acknowledged"),
    ("2026-12-09T05:20:00Z", "2026-12-09 13:20", "level-above-computer", "critical", "blocked", "P002", "GP-2026-001", "open"),
    ("2026-12-18T07:00:00Z", "2026-12-18 15:00", "level-above-computer", "critical", "audited", "P002", "GP-2026-001", "open"),
    ("2026-12-30T09:40:00Z", "2026-12-30 17:40", "unregistered-medium", "medium", "blocked", "P003", None, "open"),
    # 2026 in UTC, 2027-01-01 in Beijing: outside 2026
    ("2026-12-31T16:30:00Z", "2027-01-01 00:30", "network-device", "high", "blocked", "P001", None, "open"),
]

REASONS = {
    "unregistered-medium": ("未登记的存储介质", "storage medium not in the ledger"),
    "level-above-computer": ("介质密级高于本机", "medium's level above this computer's"),
    "network-device": ("涉密计算机上的联网设备", "network device on a classified computer"),
    "state-forbids-use": ("介质状态不允许使用", "the medium's state forbids use"),
}

# (utc, kind, decision, vendor, product, serial, device, medium, holder); local time = utc + 8 h.
DEVICE_EVENTS = [
    ("2026-09-15T01:00:00Z", "attach", "allow", "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-10-01T00:00:00Z", "guard-start", None, None, None, None, None, None, None),
    ("2026-10-02T01:00:00Z", "attach", "allow", "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-10-02T03:00:00Z", "detach", None, "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-10-05T02:00:00Z", "attach", "block", "abcd", "1234", "STRANGER0001", "Generic Flash Disk", None, None),
    ("2026-11-05T06:00:00Z", "attach", "allow", "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-11-05T07:30:00Z", "detach", None, "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-11-15T00:30:00Z", "attach", "block", "abcd", "1234", "STRANGER0002", "Generic Flash Disk", None, None),
    ("2026-11-20T00:00:00Z", "guard-gap", None, None, None, None, None, None, None),
    ("2026-11-27T11:00:00Z", "link", "block", None, None, None, "wlan0", None, None),
    ("2026-12-03T02:00:00Z", "attach", "allow", "0781", "5567", "4C530001230101104353", "SanDisk Cruzer", "U-2026-0001", "P001"),
    ("2026-12-31T10:00:00Z", "guard-stop", None, None, None, None, None, None, None),
]


def make_ledger(directory):
    """The sample ledger: this computer and one other, three people, five media (one destroyed,
    one reclassified, one on loan), VIOLATIONS and DEVICE_EVENTS. Returns its path."""
    db = os.path.join(directory, "ledger.db")
    c = lambda *args: ctl(db, "--lang", "en", *args)  # noqa: E731
    c("person", "add", "--id", "P001", "--name", "张三", "--clearance", "important", "--department", "办公室")
    c("person", "add", "--id", "P002", "--name", "李四", "--clearance", "core", "--department", "保密办")
    c("person", "add", "--id", "P003", "--name", "王五", "--clearance", "general", "--department", "技术科")
    c("host", "set", "--asset-no", "PC-001", "--level", "secret", "--network", "standalone", "--unit", "某某局",
      "--location", "301室", "--holder", "P001")
    c("computer", "add", "--asset-no", "PC-002", "--level", "confidential", "--network", "standalone")
    c("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001", "--number", "U-2026-0001",
      "--vendor", "0781", "--product", "5567", "--serial", "4C530001230101104353", "--capacity", "16GB",
      "--brand", "SanDisk", "--model", "Cruzer", "--place", "密码柜3", "--department", "办公室")
    c("media", "register", "--kind", "usb-disk", "--level", "confidential", "--holder", "P002", "--number", "U-2026-0002",
      "--vendor", "0bc2", "--product", "2322", "--serial", "NA8ABCDE", "--capacity", "1TB")
    c("media", "register", "--kind", "optical", "--level", "top-secret", "--holder", "P002", "--number", "GP-2026-001")
    c("media", "register", "--kind", "usb-stick", "--level", "confidential", "--holder", "P003", "--number", "U-2026-0003",
      "--vendor", "090c", "--product", "1000", "--serial", "AA0000000001")
    c("media", "register", "--kind", "usb-stick", "--level", "internal", "--holder", "P003", "--number", "U-2026-0004",
      "--vendor", "090c", "--product", "1000", "--serial", "AA0000000002")
    c("media", "checkout", "U-2026-0003", "--to", "P002", "--due", "2027-01-15", "--approver", "李四")
    c("media", "retire", "U-2026-0002", "--approver", "李四")
    c("media", "destroy", "U-2026-0002", "--approver", "李四", "--method", "shred", "--witness", "王五")
    c("media", "reclassify", "GP-2026-001", "--level", "secret", "--approver", "李四", "--reason", "定密期限届满")
    rows = []
    for utc, _local, kind, severity, outcome, person, medium, status in VIOLATIONS:
        zh, en = REASONS[kind]
        acknowledged = status == "acknowledged"
        rows.append({"at": utc, "type": kind, "severity": severity, "computer": "PC-001", "medium_number": medium,
                     "person": person, "outcome": outcome, "reason_zh": zh, "reason_en": en, "status": status,
                     "acknowledged_by": "P002" if acknowledged else None,
                     "acknowledged_at": "2026-12-31T02:00:00Z" if acknowledged else None,
                     "note": "已收回并登记" if acknowledged else None})
    insert(db, "violation", rows)
    insert(db, "device_event", [
        {"at": at, "kind": kind, "computer": "PC-001", "decision": decision, "vendor_id": vendor, "product_id": product,
         "serial": serial, "device": device, "medium_number": medium, "holder": holder}
        for at, kind, decision, vendor, product, serial, device, medium, holder in DEVICE_EVENTS])
    return db


BULK_PER_MONTH = 20          # January to October 2026: 200 violations
BULK_MONTHS = 10


def make_bulk_ledger(directory):
    """A ledger whose violations report has 200 detail rows: several printed pages."""
    db = os.path.join(directory, "bulk.db")
    ctl(db, "--lang", "en", "host", "set", "--asset-no", "PC-009", "--level", "secret", "--network", "standalone",
        "--unit", "某某局")
    rows = []
    for month in range(1, BULK_MONTHS + 1):
        for day in range(1, BULK_PER_MONTH + 1):
            rows.append({"at": f"2026-{month:02d}-{day:02d}T02:00:00Z", "type": "unregistered-medium", "severity": "high",
                         "computer": "PC-009", "outcome": "blocked", "reason_zh": "未登记的存储介质",
                         "reason_en": "bulkrow storage medium not in the ledger", "status": "open"})
    insert(db, "violation", rows)
    return db


# -- the browser -----------------------------------------------------------------------------

def browser_env():
    """The environment without umockdev's preload (chromium would load it into every process)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
    return env


class Chromium:
    """Debian's chromium, headless, a fresh profile per call, a timeout per call."""

    def __init__(self, workdir):
        self.binary = shutil.which("chromium")
        self.workdir = workdir

    def run(self, *args):
        if self.binary is None:
            raise AssertionError("chromium is not installed (make deps installs it)")
        profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=self.workdir)
        env = browser_env()
        env["HOME"] = profile
        argv = [self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--mute-audio", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
        try:
            result = subprocess.run(argv, capture_output=True, timeout=CHROMIUM_TIMEOUT, env=env,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as error:
            stderr = (error.stderr or b"").decode("utf-8", "replace")[-3000:]
            raise AssertionError(f"chromium {' '.join(args)} timed out after {CHROMIUM_TIMEOUT}s: {stderr}") from None
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if result.returncode != 0:
            raise AssertionError(f"chromium {' '.join(args)} failed ({result.returncode}): "
                                 f"{result.stderr.decode('utf-8', 'replace')[-3000:]}")
        return result

    def dump_dom(self, html):
        return self.run("--dump-dom", "file://" + html).stdout.decode("utf-8")

    def pdf(self, html, out):
        result = self.run("--no-pdf-header-footer", f"--print-to-pdf={out}", "file://" + html)
        if not os.path.exists(out) or os.path.getsize(out) == 0:
            raise AssertionError(f"chromium wrote no PDF to {out}: {result.stderr.decode('utf-8', 'replace')[-3000:]}")
        return out

    def screenshot(self, html, out, size=(1280, 1800)):
        result = self.run(f"--screenshot={out}", f"--window-size={size[0]},{size[1]}", "file://" + html)
        if not os.path.exists(out) or os.path.getsize(out) == 0:
            raise AssertionError(f"chromium wrote no screenshot to {out}: {result.stderr.decode('utf-8', 'replace')[-3000:]}")
        return out


# -- the PDF ---------------------------------------------------------------------------------

def pdf_pages(path):
    result = subprocess.run(["pdfinfo", path], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"pdfinfo {path} failed: {result.stderr}")
    match = re.search(r"^Pages:\s+(\d+)$", result.stdout, re.M)
    if not match:
        raise AssertionError(f"pdfinfo printed no page count: {result.stdout}")
    return int(match.group(1))


def pdf_page_texts(path):
    """Each page's text (pdftotext pages are separated by form feeds)."""
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"], capture_output=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"pdftotext {path} failed: {result.stderr.decode('utf-8', 'replace')}")
    pages = result.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_fonts(path):
    """[(embedded, has a Unicode map)] of each font in the PDF. Chromium embeds CFF fonts such as
    Noto CJK as unnamed Type 3 fonts, so names say nothing; which font drew the page is
    checked with fontconfig instead (cjk_families)."""
    result = subprocess.run(["pdffonts", path], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"pdffonts {path} failed: {result.stderr}")
    fonts = []
    for line in result.stdout.splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 5:
            emb, _sub, uni = fields[-5:-2]
            fonts.append((emb == "yes", uni == "yes"))
    return fonts


def cjk_families():
    """The font families fontconfig has for Chinese (fonts-noto-cjk: Noto Sans CJK SC, ...)."""
    result = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    return {name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()}


def css_font_families(html):
    """The families of the first font-family declaration of the page's style sheet, in order."""
    match = re.search(r"font-family:\s*([^;]+);", html)
    return [name.strip().strip('"').strip("'") for name in match.group(1).split(",")] if match else []


# -- the DOM ---------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []   # Nodes and strings

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants with this tag, class and attribute values (data_key= for data-key=)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [n for n in self.walk()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k) == v for k, v in wanted.items())]

    def children_tagged(self, tag):
        return [c for c in self.children if isinstance(c, Node) and c.tag == tag]

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_dom(html):
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def totals(dom):
    """{key: int} from `<dl class="totals">`."""
    out = {}
    for dl in dom.find_all("dl", cls="totals"):
        for dd in dl.find_all("dd"):
            out[dd.attrs.get("data-key")] = int(dd.text().strip())
    return out


def body_rows(table):
    """The `<tr>`s of a table's tbody(s), and whether the table says it is empty."""
    rows = [tr for body in table.children_tagged("tbody") for tr in body.children_tagged("tr")]
    return rows


def cells(tr):
    return [td.text() for td in tr.children_tagged("td")]


def charts(dom):
    """[(title, [data-count, ...])] of each `<svg class="chart">`, in order."""
    out = []
    for svg in dom.find_all("svg", cls="chart"):
        titles = svg.find_all("title")
        out.append((titles[0].text() if titles else "",
                    [int(rect.attrs["data-count"]) for rect in svg.find_all("rect", cls="bar")]))
    return out


# -- the screenshot --------------------------------------------------------------------------

def image_stats(path):
    """(width, height, distinct colours, non-white pixels) of a PNG."""
    from PIL import Image
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        colours = rgb.getcolors(maxcolors=width * height)
        distinct = len(colours)
        non_white = sum(count for count, colour in colours if colour != (255, 255, 255))
    return width, height, distinct, non_white


def shrink_png(source, out, colours=64, margin=24):
    """The screenshot cut to the page's printed width (the body is 190 mm wide, centred) and
    stored as a palette PNG, small enough to keep in the repository."""
    from PIL import Image, ImageChops
    with Image.open(source) as image:
        rgb = image.convert("RGB")
        box = ImageChops.difference(rgb, Image.new("RGB", rgb.size, (255, 255, 255))).getbbox()
        if box:
            rgb = rgb.crop((max(box[0] - margin, 0), 0, min(box[2] + margin, rgb.width), rgb.height))
        rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
