"""Fake USB hardware for mediad's integration tests (umockdev), and a daemon runner.

Run under the preload, in a private network namespace (see run.sh):
    unshare -n sh -c 'sysctl -qw net.unix.max_dgram_qlen=4096;
                      exec umockdev-wrapper /usr/bin/python3 runner.py test_observe'
Without the preload, uevent() fails with "No such device"; with the default dgram queue
length (10) umockdev's sender aborts the whole process once a listener lags 10 events.

Rules the helpers follow, because the daemon under test depends on them:
- every sysfs attribute a device has is written before its "add" uevent goes out
  (umockdev's add_device sends "add" itself, right after writing the attributes);
- waiting is on observed state (wait_until / Daemon.wait_json), never on sleeps.
"""

import json
import os
import queue
import signal
import subprocess
import threading
import time

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402


class HarnessTimeout(AssertionError):
    """An awaited state did not appear in time (an AssertionError so unittest reports a failure)."""


def wait_until(predicate, timeout=10.0, interval=0.02, message="condition"):
    """Polls predicate() until it returns a truthy value, which is returned.

    Raises HarnessTimeout naming `message` (a string, or a callable giving one, so the
    message can show the state at the moment of failure).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise HarnessTimeout(f"timed out after {timeout:g}s waiting for {text}")
        time.sleep(interval)


class USBDevice:
    """Syspaths of one fake USB device and what hangs below it."""

    def __init__(self, syspath, port):
        self.syspath = syspath
        self.port = port
        self.interfaces = []  # usb_interface syspaths, by interface number
        self.scsi = None
        self.block = None

    def __repr__(self):
        return f"USBDevice({self.syspath!r})"


class Daemon:
    """A subprocess whose stdout is read line by line on a thread (select() on a pipe
    misses lines already pulled into Python's buffer). JSON lines are parsed."""

    def __init__(self, argv, env):
        self.argv = argv
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = []      # every stdout line, decoded
        self.json = []       # parsed JSON objects, in order
        self.stderr = []
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, args=(self.proc.stdout, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, False), daemon=True).start()

    def _pump(self, stream, is_stdout):
        for raw in iter(stream.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                if not is_stdout:
                    self.stderr.append(text)
                    continue
                self.lines.append(text)
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue
                self.json.append(obj)
            self._queue.put(obj)
        stream.close()

    def read_json(self, timeout=10.0):
        """The next JSON line not yet returned by read_json."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise HarnessTimeout(f"no JSON line from {self.argv[0]} within {timeout:g}s; "
                                 f"{self.describe()}") from None

    def wait_json(self, predicate, timeout=10.0, what="a matching JSON line"):
        """The first JSON line (seen so far or later) satisfying predicate."""
        def find():
            with self._lock:
                return next((obj for obj in self.json if _safe(predicate, obj)), None)
        return wait_until(find, timeout, message=lambda: f"{what}; {self.describe()}")

    def ready(self, timeout=10.0):
        """Waits for --observe's end-of-enumeration marker and returns it."""
        return self.wait_json(lambda o: o.get("event") == "ready", timeout, "the ready line")

    def describe(self):
        with self._lock:
            tail = self.lines[-8:]
            err = self.stderr[-8:]
        status = self.proc.poll()
        return (f"exit status {status}; last stdout lines {tail}; last stderr lines {err}")

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL if it does not exit. Returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def _unpadded(hex_text, base=16):
    """The kernel's PRODUCT/TYPE form of a hex ID ("0781" -> "781"); malformed IDs verbatim,
    so tests can build devices with broken attributes."""
    try:
        return format(int(hex_text, 16), "x" if base == 16 else "d")
    except ValueError:
        return hex_text


def _safe(predicate, obj):
    try:
        return predicate(obj)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False


class Testbed:
    """A umockdev testbed with helpers that build USB devices like the kernel shows them.

    Create it before anything in the process touches /sys (umockdev caches a stat), and
    call cleanup() (or use it as a context manager): the daemon must die and the testbed's
    destructor must run before the next testbed sets $UMOCKDEV_DIR.
    """

    def __init__(self):
        self.tb = UMockdev.Testbed.new()
        self.root = self.tb.get_root_dir()
        self.daemons = []
        self.devices = {}     # port -> USBDevice
        self._controllers = {}
        self._scsi_host = 6
        self._disk_index = 1  # sdb, sdc, ...

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        for daemon in self.daemons:
            daemon.stop()
        self.daemons = []
        if self.tb is not None:
            self.tb.clear()
            self.tb = None  # drop the last reference: the destructor removes the directory

    # -- primitives ------------------------------------------------------------------------

    def add(self, subsystem, name, parent, attributes=None, properties=None):
        """Adds one sysfs device (umockdev sends its "add" uevent) and returns its syspath.
        Attribute values are written verbatim: text attributes need their trailing "\\n"."""
        attrs = [x for kv in (attributes or {}).items() for x in kv]
        props = [x for kv in (properties or {}).items() for x in kv]
        path = self.tb.add_device(subsystem, name, parent, attrs, props)
        if path is None:
            raise RuntimeError(f"umockdev refused device {name} under {parent}")
        return path

    def uevent(self, syspath, action):
        self.tb.uevent(syspath, action)

    def set_attr(self, syspath, name, value):
        """Writes an attribute (str or bytes, verbatim). Sends no uevent."""
        data = value.encode() if isinstance(value, str) else bytes(value)
        self.tb.set_attribute_binary(syspath, name, data)

    def set_serial_bytes(self, syspath, data, notify=True):
        """Gives a device a serial with arbitrary bytes (a kernel newline is appended), then
        a "change" uevent so a running daemon re-reads it."""
        self.set_attr(syspath, "serial", bytes(data) + b"\n")
        if notify:
            self.uevent(syspath, "change")

    def read_attr_bytes(self, syspath, name):
        with open(self.root + syspath + "/" + name, "rb") as f:
            return f.read()

    def read_attr(self, syspath, name):
        """The testbed's file at root + syspath + name, decoded, trailing whitespace dropped:
        what the daemon wrote there (e.g. "0" after it deauthorized the device)."""
        return self.read_attr_bytes(syspath, name).decode("utf-8", "replace").rstrip()

    def remove(self, syspath):
        """Unplugs: "remove" uevents deepest child first (as the kernel does), then deletes
        the sysfs tree."""
        top = self.root + syspath
        children = []
        for dirpath, _dirs, files in os.walk(top):
            if "uevent" in files and dirpath != top:
                children.append(dirpath[len(self.root):])
        for child in sorted(children, key=lambda p: (-p.count("/"), p)):
            self.uevent(child, "remove")
        self.uevent(syspath, "remove")
        # Children first: removing only the top leaves their /sys/bus links behind, and a
        # device plugged into the same port later would collide with them.
        for child in sorted(children, key=lambda p: (-p.count("/"), p)):
            if os.path.isdir(self.root + child):
                self.tb.remove_device(child)
        self.tb.remove_device(syspath)
        for port, dev in list(self.devices.items()):
            if dev.syspath == syspath or dev.syspath.startswith(syspath + "/"):
                del self.devices[port]
        for bus, hub in list(self._controllers.items()):
            if hub == syspath or hub.startswith(syspath + "/"):
                del self._controllers[bus]

    # -- USB building blocks -----------------------------------------------------------------

    def add_root_hub(self, bus=1, authorized_default="1"):
        """PCI xHCI controller plus root hub usbN, with `authorized_default`."""
        if bus in self._controllers:
            return self._controllers[bus]
        pci = self.add("pci", f"pci0000:00/0000:00:{0x13 + bus:02x}.0", None,
                       {}, {"DRIVER": "xhci_hcd", "PCI_SLOT_NAME": f"0000:00:{0x13 + bus:02x}.0"})
        hub = self.add("usb", f"usb{bus}", pci, {
            "authorized": "1\n", "authorized_default": f"{authorized_default}\n",
            "bDeviceClass": "09\n", "busnum": f"{bus}\n", "devnum": "1\n",
            "idVendor": "1d6b\n", "idProduct": "0002\n", "bcdDevice": "0606\n",
            "manufacturer": "Linux xhci-hcd\n", "product": "xHCI Host Controller\n",
            "serial": f"0000:00:{0x13 + bus:02x}.0\n",
        }, {"DEVTYPE": "usb_device", "DRIVER": "usb", "PRODUCT": "1d6b/2/606", "TYPE": "9/0/1",
            "BUSNUM": f"{bus:03d}", "DEVNUM": "001", "DEVNAME": f"/dev/bus/usb/{bus:03d}/001"})
        self._controllers[bus] = hub
        self.devices[f"usb{bus}"] = USBDevice(hub, f"usb{bus}")
        return hub

    def add_usb_device(self, port="1-1", vendor="0781", product="5567", serial="4C530001230101104353",
                       interfaces=((0x08, 0x06, 0x50),), parent=None, device_class="00",
                       manufacturer="SanDisk", product_name="Cruzer Blade", bcd_device="0100",
                       connect_type="hotplug", extra_attributes=None, extra_properties=None):
        """A usb_device with writable `authorized` and its interfaces (class, subclass,
        protocol), each with `authorized`. serial: str (text), bytes (odd bytes, written
        binary, then a "change" uevent), or None (no serial file at all)."""
        if parent is None:
            parent = self._parent_for(port)
        bus = int(port.split("-")[0])
        devnum = len(self.devices) + 2
        attrs = {"authorized": "1\n", "bDeviceClass": f"{device_class}\n",
                 "bNumInterfaces": f"{len(interfaces):2d}\n", "bConfigurationValue": "1\n",
                 "busnum": f"{bus}\n", "devnum": f"{devnum}\n", "devpath": port.split("-", 1)[1] + "\n",
                 "idVendor": f"{vendor}\n", "idProduct": f"{product}\n", "bcdDevice": f"{bcd_device}\n",
                 "removable": "removable\n", "speed": "480\n"}
        if manufacturer is not None:
            attrs["manufacturer"] = f"{manufacturer}\n"
        if product_name is not None:
            attrs["product"] = f"{product_name}\n"
        if isinstance(serial, str):
            attrs["serial"] = f"{serial}\n"
        if connect_type is not None:
            attrs["port/connect_type"] = f"{connect_type}\n"
        attrs.update(extra_attributes or {})
        props = {"DEVTYPE": "usb_device", "DRIVER": "usb",
                 "PRODUCT": f"{_unpadded(vendor)}/{_unpadded(product)}/{_unpadded(bcd_device)}",
                 "TYPE": f"{_unpadded(device_class, 10)}/0/0", "BUSNUM": f"{bus:03d}",
                 "DEVNUM": f"{devnum:03d}", "DEVNAME": f"/dev/bus/usb/{bus:03d}/{devnum:03d}",
                 "ID_BUS": "usb", "ID_VENDOR_ID": vendor, "ID_MODEL_ID": product}
        if isinstance(serial, str):
            props["ID_SERIAL_SHORT"] = serial
        props.update(extra_properties or {})
        # The kernel creates `descriptors` before it announces the device; umockdev can only set
        # binary attributes after the add, so the file is written into the device's directory
        # first. Without it a guard would see a device whose interfaces do not exist yet.
        self._write_descriptors(parent, port, vendor, product, device_class, bcd_device, interfaces)
        syspath = self.add("usb", port, parent, attrs, props)
        device = USBDevice(syspath, port)
        self.devices[port] = device
        if isinstance(serial, (bytes, bytearray)):
            self.set_serial_bytes(syspath, serial, notify=True)
        for number, (cls, sub, proto) in enumerate(interfaces):
            device.interfaces.append(self.add("usb", f"{port}:1.{number}", syspath, {
                "authorized": "1\n", "bInterfaceNumber": f"{number:02x}\n",
                "bInterfaceClass": f"{cls:02x}\n", "bInterfaceSubClass": f"{sub:02x}\n",
                "bInterfaceProtocol": f"{proto:02x}\n", "bAlternateSetting": " 0\n",
            }, {"DEVTYPE": "usb_interface", "INTERFACE": f"{cls}/{sub}/{proto}"}))
        return device

    def _write_descriptors(self, parent, port, vendor, product, device_class, bcd_device, interfaces):
        def word(text):
            try:
                value = int(text, 16)
            except ValueError:
                value = 0
            return [value & 0xFF, (value >> 8) & 0xFF]
        try:
            cls = int(device_class, 16)
        except ValueError:
            cls = 0xFF
        blob = bytes([18, 1, 0x00, 0x02, cls, 0, 0, 64] + word(vendor) + word(product) + word(bcd_device)
                     + [1, 2, 3, 1])
        total = 9 + 9 * len(interfaces)
        blob += bytes([9, 2, total & 0xFF, total >> 8, len(interfaces), 1, 0, 0x80, 50])
        for number, (icls, sub, proto) in enumerate(interfaces):
            blob += bytes([9, 4, number, 0, 0, icls, sub, proto, 0])
        directory = self.root + parent + "/" + port
        os.makedirs(directory, exist_ok=True)
        with open(directory + "/descriptors", "wb") as handle:
            handle.write(blob)

    def add_storage(self, device, interface, sectors=30031872, fs_uuid="1234-ABCD", fs_type="vfat",
                    fs_label=None, serial="4C530001230101104353"):
        """SCSI device and whole-disk block device under a mass-storage interface."""
        host = self._scsi_host
        self._scsi_host += 1
        disk = "sd" + chr(ord("a") + self._disk_index)
        minor = 16 * self._disk_index
        self._disk_index += 1
        device.scsi = self.add("scsi", f"host{host}/target{host}:0:0/{host}:0:0:0", interface,
                               {"vendor": "SanDisk \n", "model": "Cruzer Blade    \n"},
                               {"DEVTYPE": "scsi_device", "DRIVER": "sd"})
        props = {"DEVTYPE": "disk", "DEVNAME": f"/dev/{disk}", "MAJOR": "8", "MINOR": str(minor),
                 "ID_BUS": "usb", "ID_USB_DRIVER": "usb-storage"}
        if serial:
            props["ID_SERIAL_SHORT"] = serial
        if fs_uuid is not None:
            props.update({"ID_FS_UUID": fs_uuid, "ID_FS_USAGE": "filesystem"})
        if fs_type is not None:
            props["ID_FS_TYPE"] = fs_type
        if fs_label is not None:
            props["ID_FS_LABEL"] = fs_label
        device.block = self.add("block", f"block/{disk}", device.scsi, {
            "dev": f"8:{minor}\n", "removable": "1\n", "ro": "0\n", "size": f"{sectors}\n",
        }, props)
        return device.block

    # -- ready-made devices ------------------------------------------------------------------

    def add_stick(self, port="1-1", vendor="0781", product="5567", serial="4C530001230101104353",
                  sectors=30031872, fs_uuid="1234-ABCD", with_block=True, parent=None, **kwargs):
        """A USB stick like shared/fixtures/usb-stick.umockdev: device → mass-storage
        interface (08/06/50) → SCSI device → disk with `size` and ID_FS_* properties."""
        device = self.add_usb_device(port, vendor, product, serial, ((0x08, 0x06, 0x50),), parent, **kwargs)
        if with_block:
            self.add_storage(device, device.interfaces[0], sectors, fs_uuid,
                             serial=serial if isinstance(serial, str) else None)
        return device

    def add_device_without_serial(self, port="1-2", vendor="1234", product="5678", with_block=True, **kwargs):
        """A cheap stick that reports no serial at all (no `serial` file)."""
        return self.add_stick(port, vendor, product, None, with_block=with_block,
                              manufacturer=kwargs.pop("manufacturer", "Generic"),
                              product_name=kwargs.pop("product_name", "Flash Disk"), **kwargs)

    def add_composite_keyboard_storage(self, port="1-3", vendor="04d9", product="1702",
                                       serial="KBDSTORAGE01", with_block=True, **kwargs):
        """One usb_device with a HID keyboard interface (03/01/01) and a mass-storage
        interface (08/06/50): the attack shape where a "stick" also types."""
        device = self.add_usb_device(port, vendor, product, serial,
                                     ((0x03, 0x01, 0x01), (0x08, 0x06, 0x50)),
                                     manufacturer=kwargs.pop("manufacturer", "Holtek"),
                                     product_name=kwargs.pop("product_name", "USB Keyboard"), **kwargs)
        if with_block:
            self.add_storage(device, device.interfaces[1], serial=serial if isinstance(serial, str) else None)
        return device

    def add_phone_mtp(self, port="1-4", vendor="18d1", product="4ee1", serial="0A1B2C3D4E5F", **kwargs):
        """An Android phone in MTP mode: a still-image interface 06/01/01, no block device."""
        return self.add_usb_device(port, vendor, product, serial, ((0x06, 0x01, 0x01),),
                                   manufacturer=kwargs.pop("manufacturer", "Google"),
                                   product_name=kwargs.pop("product_name", "Pixel"), **kwargs)

    def _parent_for(self, port):
        """usbN for a root port (1-1); the upstream hub for a deeper port (1-1.4 → 1-1)."""
        bus, _, chain = port.partition("-")
        if "." in chain:
            upstream = port.rsplit(".", 1)[0]
            if upstream not in self.devices:
                raise ValueError(f"add the hub {upstream} before {port}")
            return self.devices[upstream].syspath
        return self.add_root_hub(int(bus))

    # -- daemon ------------------------------------------------------------------------------

    def start(self, argv, env=None):
        """Starts a daemon that sees this testbed: it inherits the preload (LD_PRELOAD from
        umockdev-wrapper) and gets $UMOCKDEV_DIR explicitly, because GLib sets it in the C
        environment, which os.environ does not reflect."""
        child_env = dict(os.environ)
        child_env["UMOCKDEV_DIR"] = self.root
        child_env.update(env or {})
        daemon = Daemon(list(argv), child_env)
        self.daemons.append(daemon)
        return daemon
