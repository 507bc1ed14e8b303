/// The JSON of the observation stored with every device event, written directly.
///
/// Why not `JSONEncoder`: the daemon stores one observation per decision, and building it through
/// the encoder's boxed containers cost as much as the rest of the event's insert. The output is
/// ordinary JSON with the synthesized `Codable` keys (absent optionals left out), so
/// `JSONDecoder` reads it back as the same value; `ObservationJSONTests` holds the two together.
enum ObservationJSON {
    static func encode(_ device: USBDeviceObservation) -> String {
        var json = JSONText()
        json.open()
        json.field("syspath", device.syspath)
        json.field("port", device.port)
        json.field("vendorID", device.vendorID)
        json.field("productID", device.productID)
        json.field("serial", device.serial)
        json.field("manufacturer", device.manufacturer)
        json.field("product", device.product)
        json.field("bcdDevice", device.bcdDevice)
        json.field("deviceClass", UInt64(device.deviceClass))
        json.key("interfaces")
        json.array(device.interfaces) { json, interface in
            json.open()
            json.field("number", Int64(interface.number))
            json.field("syspath", interface.syspath)
            json.field("interfaceClass", UInt64(interface.interfaceClass))
            json.field("subclass", UInt64(interface.subclass))
            json.field("protocolCode", UInt64(interface.protocolCode))
            json.close()
        }
        json.field("connectType", device.connectType)
        json.key("blocks")
        json.array(device.blocks) { json, block in
            json.open()
            json.field("syspath", block.syspath)
            json.field("devnode", block.devnode)
            json.field("capacityBytes", block.capacityBytes)
            json.field("removable", block.removable)
            json.field("filesystemUUID", block.filesystemUUID)
            json.field("filesystemType", block.filesystemType)
            json.field("filesystemLabel", block.filesystemLabel)
            json.close()
        }
        if let marks = device.recordingMarks {
            json.key("recordingMarks")
            json.array(marks) { json, mark in json.element(mark) }
        }
        json.close()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}

/// A minimal JSON writer: objects, arrays, strings, integers and booleans, commas placed by it.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() { bytes.reserveCapacity(512) }

    mutating func open() {
        comma()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func key(_ name: String) {
        comma()
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func array<T>(_ items: [T], _ element: (inout JSONText, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items { element(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A string as an array element.
    mutating func element(_ value: String) {
        comma()
        string(value)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: UInt64?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: Int64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    private mutating func comma() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// A JSON string, escaped as the listings escape it (`JSONEscaping`); the rest is UTF-8.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if JSONEscaping.needsEscape(byte) {
                JSONEscaping.escape(byte) { bytes.append($0) }
            } else {
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
