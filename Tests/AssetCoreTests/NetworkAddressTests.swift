@testable import AssetCore
import Testing

@Suite struct NetworkAddressTests {
    @Test func ipv4() {
        #expect(IPAddress(parsing: "192.0.2.1")?.bytes == [192, 0, 2, 1])
        #expect(IPAddress(parsing: "0.0.0.0")?.description == "0.0.0.0")
        #expect(IPAddress(parsing: "255.255.255.255")?.description == "255.255.255.255")
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
                    "1.2.3.4/8", "a.b.c.d", "١.٢.٣.٤", "1.2.3.0x4"] {
            #expect(IPAddress(parsing: bad) == nil, "\(bad)")
        }
        #expect(IPAddress(parsing: "127.0.0.53")!.isLoopback)
        #expect(!IPAddress(parsing: "128.0.0.1")!.isLoopback)
    }

    @Test func ipv6() {
        let cases: [(String, String)] = [
            ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("::", "::"), ("::1", "::1"),
            ("1::", "1::"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), ("::ffff:192.0.2.1", "::ffff:c000:201"),
            ("fe80::1:2:3:4", "fe80::1:2:3:4"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
            ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ]
        for (text, canonical) in cases {
            #expect(IPAddress(parsing: text)?.description == canonical, "\(text)")
            #expect(IPAddress(parsing: canonical)?.description == canonical, "\(canonical) round trip")
        }
        for bad in [":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7",
                    "1:2:3:4:5:6:7:", "g::1", "fe80::1%eth0", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
                    "1:2:3:4:5:6:7:8::"] {
            #expect(IPAddress(parsing: bad) == nil, "\(bad)")
        }
        #expect(IPAddress(parsing: "::1")!.isLoopback)
        #expect(IPAddress(parsing: "fe80::1")!.isIPv6LinkLocal)
        #expect(IPAddress(parsing: "febf::1")!.isIPv6LinkLocal)
        #expect(!IPAddress(parsing: "fec0::1")!.isIPv6LinkLocal)
        #expect(IPAddress(family: .ipv6, bytes: [1, 2, 3]) == nil)
    }

    @Test func prefixes() throws {
        let lan = try IPPrefix(parsing: "10.0.0.0/8")
        #expect(lan.contains(IPAddress(parsing: "10.255.1.2")!))
        #expect(!lan.contains(IPAddress(parsing: "11.0.0.1")!))
        #expect(!lan.contains(IPAddress(parsing: "::ffff:10.0.0.1")!))
        #expect(try IPPrefix(parsing: "10.1.2.3/8") == lan, "host bits are cleared")
        #expect(try IPPrefix(parsing: " 10.0.0.0/8 ").description == "10.0.0.0/8")
        let odd = try IPPrefix(parsing: "192.0.2.128/25")
        #expect(odd.contains(IPAddress(parsing: "192.0.2.200")!) && !odd.contains(IPAddress(parsing: "192.0.2.127")!))
        let host = try IPPrefix(parsing: "192.0.2.7")
        #expect(host.length == 32 && host.contains(IPAddress(parsing: "192.0.2.7")!) && !host.contains(IPAddress(parsing: "192.0.2.8")!))
        let all = try IPPrefix(parsing: "0.0.0.0/0")
        #expect(all.contains(IPAddress(parsing: "198.51.100.1")!) && !all.contains(IPAddress(parsing: "::1")!))

        let v6 = try IPPrefix(parsing: "2001:db8::/32")
        #expect(v6.contains(IPAddress(parsing: "2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress(parsing: "2001:db9::1")!))
        #expect(!v6.contains(IPAddress(parsing: "10.0.0.1")!))
        let nibble = try IPPrefix(parsing: "2001:db8:abcd:12::/61")
        #expect(nibble.description == "2001:db8:abcd:10::/61")
        #expect(nibble.contains(IPAddress(parsing: "2001:db8:abcd:17::1")!))
        #expect(!nibble.contains(IPAddress(parsing: "2001:db8:abcd:18::1")!))
        #expect(try IPPrefix(parsing: "2001:db8::1").length == 128)

        for bad in ["", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08x", "2001:db8::/129",
                    "10.0.0.0/8/8", "/8", "example.com/8", "10.0.0.0 /8"] {
            #expect(throws: NetworkProfileError.badPrefix(bad)) { try IPPrefix(parsing: bad) }
        }
        #expect(NetworkProfileError.badPrefix("x").message.zh.contains("网段"))
        #expect(NetworkProfileError.badPrefix("x").ledgerError.kind == .validation)
    }

    @Test func interfaceMatches() throws {
        #expect(try InterfaceMatch(parsing: "eth0") == .name("eth0"))
        #expect(try InterfaceMatch(parsing: "enp*") == .name("enp*"))
        #expect(try InterfaceMatch(parsing: "00-1A-2b-3C-4d-5E") == .mac("00:1a:2b:3c:4d:5e"))
        #expect(try InterfaceMatch(parsing: " 00:1a:2b:3c:4d:5e ") == .mac("00:1a:2b:3c:4d:5e"))
        // Not a MAC: too short, so a name (a legal one).
        #expect(try InterfaceMatch(parsing: "00-1a-2b") == .name("00-1a-2b"))
        for bad in ["", "*", "a/b", "a b", "eth:0", "sixteen-chars-xx", "e*th", "tab\tname", "\u{7F}"] {
            #expect(throws: NetworkProfileError.self, "\(bad)") { try InterfaceMatch(parsing: bad) }
        }
        #expect(InterfaceMatch.normalisedMAC("00:11:22:33:44:5g") == nil)
        #expect(InterfaceMatch.normalisedMAC("00:11:22:33:44:55:66") == nil)
        #expect(InterfaceMatch.normalisedMAC("0:11:22:33:44:555") == nil)
        let link = LinkObservation(ifindex: 2, name: "enp3s0", mac: "00:1A:2B:3C:4D:5E", kind: .wired)
        #expect(InterfaceMatch.mac("00:1a:2b:3c:4d:5e").matches(link))
        #expect(InterfaceMatch.name("enp*").matches(link))
        #expect(!InterfaceMatch.name("enp").matches(link))
        #expect(!InterfaceMatch.name("enp3s0*x").matches(link))
    }
}
