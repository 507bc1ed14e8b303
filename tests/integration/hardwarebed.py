"""Fake computer hardware for a `harness.Testbed`: fixed disks, network cards, USB host controllers
and DMI, laid out in sysfs as the kernel shows them, for `mediad --inventory` and the daemon's
hardware checks.

Every add_* function returns the syspath of the device the inventory lists (the disk, the net
device, the PCI function, the DMI device); `remove(tb, syspath)` unplugs it as the kernel would
(remove uevents deepest first): a SATA disk with its SCSI device (the port stays), an NVMe disk or
a network card with its PCI function.

Rules, as in harness.py: every attribute and link a device has is in sysfs before its "add"
uevent (umockdev's add_device sends "add" itself, so files umockdev cannot write, such as links
and non-UTF-8 bytes, are written into the device's directory first). umockdev aborts the whole
test process when a device is added twice: add_pci_controller refuses a PCI slot that already
exists with a ValueError, and harness's add_root_hub(bus) takes slot 0000:00:{0x13 + bus:02x}.0
(bus 1 → 0000:00:14.0, the default USB controller here): hang sticks on bus 2 or beyond next to
add_usb_controller's default. Block names must be unique too: harness's sticks are sdb, sdc, …
"""

import os
import re

# -- bookkeeping ---------------------------------------------------------------------------------


def _unplug_roots(tb):
    """syspath this module returned → the device remove() takes away with it."""
    if not hasattr(tb, "hardware_unplug_roots"):
        tb.hardware_unplug_roots = {}
    return tb.hardware_unplug_roots


def _pci_functions(tb):
    """PCI slot → syspath of the functions this module added (shared by the disks on one AHCI)."""
    if not hasattr(tb, "hardware_pci_functions"):
        tb.hardware_pci_functions = {}
    return tb.hardware_pci_functions


def _prepare(tb, syspath, files=None, links=None):
    """Writes files (bytes, verbatim) and relative symbolic links (name → absolute /sys target)
    into a device's directory before umockdev announces it."""
    directory = tb.root + syspath
    os.makedirs(directory, exist_ok=True)
    for name, data in (files or {}).items():
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
    for name, target in (links or {}).items():
        os.symlink(os.path.relpath(target, syspath), os.path.join(directory, name))


def _split(values):
    """str values → umockdev attributes (with the kernel's newline); bytes → files written first
    (verbatim, then the newline); None → no file at all."""
    text = {k: f"{v}\n" for k, v in values.items() if isinstance(v, str)}
    raw = {k: bytes(v) + b"\n" for k, v in values.items() if isinstance(v, (bytes, bytearray))}
    return text, raw


def remove(tb, syspath):
    """Unplugs what an add_* function added: remove uevents deepest first, then its sysfs tree."""
    roots = _unplug_roots(tb)
    root = roots.pop(syspath, syspath)
    tb.remove(root)
    # umockdev leaves these links behind, and the same disk name added again would collide.
    for folder in ("/sys/block", "/sys/dev/block", "/sys/dev/char"):
        directory = tb.root + folder
        for name in os.listdir(directory) if os.path.isdir(directory) else ():
            link = os.path.join(directory, name)
            if os.path.islink(link) and not os.path.exists(link):
                os.unlink(link)
    for path, unplugged in list(roots.items()):
        if path.startswith(root + "/") or unplugged == root or unplugged.startswith(root + "/"):
            del roots[path]
    pci = _pci_functions(tb)
    for slot, path in list(pci.items()):
        if path == root or path.startswith(root + "/"):
            del pci[slot]


# -- PCI -----------------------------------------------------------------------------------------


def add_pci_controller(tb, slot="0000:00:17.0", pci_class=0x010601, vendor="8086", device="a352",
                       driver="ahci"):
    """A PCI function (default: an Intel AHCI SATA controller) with class, vendor and device ids
    and its driver link; returns its syspath. A slot this module already added is returned as it
    is, so disks share their controller."""
    functions = _pci_functions(tb)
    if slot in functions:
        return functions[slot]
    domain = slot.split(":")[0]
    syspath = f"/sys/devices/pci{domain}:00/{slot}"
    if os.path.exists(tb.root + syspath):
        raise ValueError(f"PCI slot {slot} already exists in the testbed (harness's root hub of bus N "
                         f"is 0000:00:{{0x13 + N:02x}}.0): choose another slot")
    links = {"driver": f"/sys/bus/pci/drivers/{driver}"} if driver else {}
    _prepare(tb, syspath, links=links)
    attributes = {"class": f"0x{pci_class:06x}\n", "vendor": f"0x{vendor}\n", "device": f"0x{device}\n",
                  "subsystem_vendor": f"0x{vendor}\n", "subsystem_device": "0x0000\n", "enable": "1\n"}
    properties = {"PCI_CLASS": f"{pci_class:X}", "PCI_ID": f"{vendor}:{device}".upper(),
                  "PCI_SUBSYS_ID": f"{vendor}:0000".upper(), "PCI_SLOT_NAME": slot,
                  "MODALIAS": f"pci:v0000{vendor.upper()}d0000{device.upper()}sv0000{vendor.upper()}sd00000000"
                              f"bc{pci_class >> 16:02X}sc{(pci_class >> 8) & 0xFF:02X}i{pci_class & 0xFF:02X}"}
    if driver:
        properties["DRIVER"] = driver
    path = tb.add("pci", f"pci{domain}:00/{slot}", None, attributes, properties)
    functions[slot] = path
    _unplug_roots(tb)[path] = path
    return path


def add_usb_controller(tb, slot="0000:00:14.0", vendor="8086", device="a36d", driver="xhci_hcd", prog_if=0x30):
    """A PCI USB host controller (class 0x0c03, xHCI by default) with no root hub below it."""
    return add_pci_controller(tb, slot, 0x0C0300 | prog_if, vendor, device, driver)


# -- disks ---------------------------------------------------------------------------------------


def _minor(name):
    match = re.fullmatch(r"sd([a-z])", name)
    return 16 * (ord(match.group(1)) - ord("a")) if match else 0


def add_sata_disk(tb, name="sda", serial="S3Z9NB0K123456A", model="Samsung SSD 860 EVO 500GB",
                  wwn="0x5002538e40a1b2c3", sectors=976773168, port=1, controller="0000:00:17.0"):
    """A SATA disk on AHCI port `port`: pci → ataN/hostM/targetM:0:0/M:0:0:0 (SCSI device) →
    block/NAME, with the properties udev's ata_id gives it: ID_BUS=ata, ID_SERIAL_SHORT, ID_MODEL
    (spaces as underscores, as udev writes it), ID_WWN and ID_WWN_WITH_EXTENSION. None leaves a
    value out (no property, no `size` file). Returns the disk's syspath."""
    pci = add_pci_controller(tb, slot=controller)
    host = port - 1
    scsi_attributes = {"vendor": "ATA     \n", "type": "0\n", "rev": "1B6Q\n"}
    if model is not None:
        scsi_attributes["model"] = f"{model[:16]:<16}\n"
    scsi = tb.add("scsi", f"ata{port}/host{host}/target{host}:0:0/{host}:0:0:0", pci, scsi_attributes,
                  {"DEVTYPE": "scsi_device", "DRIVER": "sd", "MODALIAS": "scsi:t-0x00"})
    syspath = f"{scsi}/block/{name}"
    _prepare(tb, syspath, links={"device": scsi})
    attributes = {"dev": f"8:{_minor(name)}\n", "removable": "0\n", "ro": "0\n"}
    if sectors is not None:
        attributes["size"] = f"{sectors}\n"
    properties = {"DEVTYPE": "disk", "DEVNAME": f"/dev/{name}", "MAJOR": "8", "MINOR": str(_minor(name)),
                  "ID_BUS": "ata", "ID_ATA": "1", "ID_TYPE": "disk", "ID_PATH": f"pci-{controller}-ata-{port}"}
    if model is not None:
        properties["ID_MODEL"] = model.replace(" ", "_")
    if serial is not None:
        properties["ID_SERIAL_SHORT"] = serial
        properties["ID_SERIAL"] = f"{(model or '').replace(' ', '_')}_{serial}"
    if wwn is not None:
        properties["ID_WWN"] = wwn
        properties["ID_WWN_WITH_EXTENSION"] = wwn
    disk = tb.add("block", f"block/{name}", scsi, attributes, properties)
    _unplug_roots(tb)[disk] = scsi
    return disk


def add_nvme_disk(tb, name="nvme0n1", serial="S4EWNX0R123456", model="Samsung SSD 970 EVO Plus 1TB",
                  sectors=1953525168, wwid="eui.0025388b91b3e0a1", slot=None, firmware="2B2QEXM7"):
    """An NVMe drive: its PCI function (`slot`, default 0000:0N:00.0 for controller nvmeN-1) →
    nvme/nvmeN (the controller, holding `serial`, `model`, `firmware_rev`) → the namespace NAME
    with `size` and `wwid`, and no udev properties beyond the kernel's (no ID_*: what a system
    without udev rules shows). serial and model may be bytes (written verbatim); None leaves the
    file out. Returns the namespace's syspath."""
    match = re.fullmatch(r"(nvme(\d+))n\d+", name)
    if not match:
        raise ValueError(f"not an NVMe namespace name: {name}")
    controller, number = match.group(1), int(match.group(2))
    pci = add_pci_controller(tb, slot or f"0000:{number + 1:02x}:00.0", 0x010802, "144d", "a808", "nvme")
    text, raw = _split({"serial": serial, "model": model, "firmware_rev": firmware})
    controller_path = f"{pci}/nvme/{controller}"
    _prepare(tb, controller_path, files=raw)
    controller_path = tb.add("nvme", f"nvme/{controller}", pci, dict(text, transport="pcie\n"),
                             {"DEVNAME": f"/dev/{controller}", "MAJOR": "239", "MINOR": str(number)})
    syspath = f"{controller_path}/{name}"
    _prepare(tb, syspath, links={"device": controller_path})
    attributes = {"dev": f"259:{number}\n", "removable": "0\n", "ro": "0\n"}
    if sectors is not None:
        attributes["size"] = f"{sectors}\n"
    if wwid is not None:
        attributes["wwid"] = f"{wwid}\n"
    disk = tb.add("block", name, controller_path, attributes,
                  {"DEVTYPE": "disk", "DEVNAME": f"/dev/{name}", "MAJOR": "259", "MINOR": str(number)})
    _unplug_roots(tb)[disk] = pci
    return disk


# -- network cards -------------------------------------------------------------------------------


def add_pci_nic(tb, name="enp0s31f6", mac="54:e1:ad:12:34:56", driver="e1000e", wireless=False,
                slot="0000:00:1f.6", addr_assign_type=0, vendor=None, device=None):
    """A PCI network card: its PCI function (class 0x0200 Ethernet, or 0x0280 for wireless) with
    the driver link → net/NAME with `address` and `addr_assign_type` (0 permanent, 1 random,
    3 set), a `device` link, and for wireless the `phy80211` link and DEVTYPE=wlan. None leaves a
    value out. Returns the net device's syspath."""
    pci_class = 0x028000 if wireless else 0x020000
    vendor = vendor or "8086"
    device = device or ("2723" if wireless else "15bb")
    pci = add_pci_controller(tb, slot, pci_class, vendor, device, driver)
    syspath = f"{pci}/net/{name}"
    links = {"device": pci}
    if wireless:
        links["phy80211"] = f"{pci}/ieee80211/phy0"
    _prepare(tb, syspath, links=links)
    index = len(_unplug_roots(tb)) + 2
    attributes = {"ifindex": f"{index}\n", "type": "1\n", "addr_len": "6\n", "operstate": "down\n"}
    if mac is not None:
        attributes["address"] = f"{mac}\n"
    if addr_assign_type is not None:
        attributes["addr_assign_type"] = f"{addr_assign_type}\n"
    properties = {"INTERFACE": name, "IFINDEX": str(index)}
    if wireless:
        properties["DEVTYPE"] = "wlan"
    if driver:
        properties["ID_NET_DRIVER"] = driver
    net = tb.add("net", f"net/{name}", pci, attributes, properties)
    _unplug_roots(tb)[net] = pci
    return net


# -- the machine ---------------------------------------------------------------------------------


def add_dmi(tb, vendor="LENOVO", product="20XW00GLUS", serial="PF2ABCDE", board_serial="L1HF12345678",
            bios_version="N32ET75W (1.51 )"):
    """/sys/devices/virtual/dmi/id with sys_vendor, product_name, product_serial, board_serial and
    bios_version. Each value: str (the kernel's newline added), bytes (firmware garbage, written
    verbatim then the newline), or None (no file, as for an unreadable root-only serial)."""
    values = {"sys_vendor": vendor, "product_name": product, "product_serial": serial,
              "board_serial": board_serial, "bios_version": bios_version}
    text, raw = _split(values)
    syspath = "/sys/devices/virtual/dmi/id"
    if os.path.exists(tb.root + syspath + "/uevent"):
        raise ValueError("DMI is already in the testbed: remove(tb, dmi) first")
    _prepare(tb, syspath, files=raw)
    path = tb.add("dmi", "virtual/dmi/id", None, text, {})
    _unplug_roots(tb)[path] = path
    return path
