import AssetCore
@testable import MediadCore
import Testing

/// One parser for mediad's three modes: its syntax, then each mode's real options and words.
@Suite struct OptionParserTests {
    let parser = OptionParser(valued: ["--db", "--mode"], flags: ["--cut"])

    @Test func valuesFollowOrJoinTheirName() throws {
        #expect(try parser.parse(["--db", "/a.db", "--mode=audit", "--cut", "--db", "--mode"])
                == .words([.option("--db", value: "/a.db"), .option("--mode", value: "audit"), .flag("--cut"),
                           .option("--db", value: "--mode")]))
        #expect(try parser.parse(["--db="]) == .words([.option("--db", value: "")]))
        #expect(try parser.parse(["--db=a=b"]) == .words([.option("--db", value: "a=b")]))
        #expect(try parser.parse([]) == .words([]))
    }

    @Test func repeatedOptionsComeBackInOrder() throws {
        #expect(try parser.parse(["--db", "a", "--db", "b"]) == .words([.option("--db", value: "a"), .option("--db", value: "b")]))
    }

    @Test func mistakesAndHelp() throws {
        #expect(throws: OptionParser.Problem.unknown("--frobnicate")) { try parser.parse(["--db", "a", "--frobnicate"]) }
        #expect(throws: OptionParser.Problem.unknown("--cut=yes")) { try parser.parse(["--cut=yes"]) }
        #expect(throws: OptionParser.Problem.unknown("db")) { try parser.parse(["db"]) }
        #expect(throws: OptionParser.Problem.missingValue("--mode")) { try parser.parse(["--cut", "--mode"]) }
        #expect(try parser.parse(["--db", "a", "--help", "--frobnicate"]) == .help)
        #expect(try parser.parse(["-h"]) == .help)
    }

    // MARK: the daemon

    static func daemon(_ arguments: [String]) -> (message: String, status: Int32)? {
        guard case .exit(let message, let status) = DaemonOptions.parse(arguments) else { return nil }
        return (message, status)
    }

    @Test func theDaemonsOptions() throws {
        guard case .run(let options) = DaemonOptions.parse(["--config", "/etc/m.conf", "--db=/var/l.db", "--mode", "audit",
                                                            "--socket", "/run/s", "--mode=enforce"]) else {
            Issue.record("not run")
            return
        }
        #expect(options.configPath == "/etc/m.conf" && options.database == "/var/l.db" && options.socket == "/run/s")
        #expect(options.mode == .enforce, "the last of a repeated option")
        let help = try #require(Self.daemon(["--help"]))
        #expect(help.status == 0 && help.message.hasPrefix("usage: mediad [--config FILE]"))
        let version = try #require(Self.daemon(["--version"]))
        #expect(version.status == 0 && version.message.hasPrefix("mediad "))
    }

    @Test func theDaemonsMistakes() throws {
        let unknown = try #require(Self.daemon(["--frobnicate"]))
        #expect(unknown.status == 64 && unknown.message.hasPrefix("mediad: unknown option '--frobnicate'\n\nusage: mediad"))
        for missing in [["--db"], ["--db="], ["--db", ""]] {
            let result = try #require(Self.daemon(missing))
            #expect(result.status == 64 && result.message.hasPrefix("mediad: --db needs a value\n\nusage: mediad"), "\(missing)")
        }
        let mode = try #require(Self.daemon(["--mode", "lenient"]))
        #expect(mode.status == 64 && mode.message == "mediad: --mode takes enforce or audit, not 'lenient'")
    }

    // MARK: --observe-links

    @Test func theLinkObserversOptions() throws {
        let options = try #require(try LinkObserveOptions.parse(["--observe-links", "--network", "internal", "--classified=no",
                                                                 "--allow-if", "enp3s0", "--allow-if=wlan*", "--lan-prefix",
                                                                 "10.8.0.0/16", "--cut", "--receive-buffer", "4096"]))
        #expect(options.profile.network == .internal && !options.profile.classified && options.cut)
        #expect(options.profile.allowedInterfaces.count == 2, "repeated --allow-if collects")
        #expect(options.profile.lanPrefixes.count == 1 && options.receiveBufferSize == 4096)
        #expect(try LinkObserveOptions.parse(["--observe-links", "--help"]) == nil)
        #expect(try LinkObserveOptions.parse(["--observe-links"]) == LinkObserveOptions())
    }

    @Test func theLinkObserversMistakes() {
        let cases: [([String], String)] = [
            (["--observe-links", "--frobnicate"], "unknown option '--frobnicate' for --observe-links"),
            (["--observe-links", "--network"], "--network needs a value"),
            (["--observe-links", "--classified", "maybe"], "--classified takes yes or no"),
            (["--observe-links", "--receive-buffer="], "--receive-buffer needs a byte count, not ''"),
            (["--observe-links", "--cut=yes"], "unknown option '--cut=yes' for --observe-links"),
        ]
        for (arguments, message) in cases {
            #expect(throws: LinkObserveUsageError.self, "\(arguments)") { try LinkObserveOptions.parse(arguments) }
            do {
                _ = try LinkObserveOptions.parse(arguments)
            } catch {
                #expect(error.description == message)
            }
        }
    }

    // MARK: --observe

    @Test func theObserversOptions() throws {
        let options = try #require(try ObserveOptions.parse(["--observe", "--authorize-all", "0", "--udev-source=kernel",
                                                             "--receive-buffer", "8192", "--authorize-all", "1"]))
        #expect(options == ObserveOptions(authorizeValue: true, source: "kernel", receiveBufferSize: 8192))
        #expect(try ObserveOptions.parse(["--observe"]) == ObserveOptions())
        #expect(try ObserveOptions.parse(["--observe", "-h"]) == nil)
    }

    @Test func theObserversMistakes() {
        let cases: [([String], String)] = [
            (["--observe", "--authorize-all"], "--authorize-all needs 0 or 1"),
            (["--observe", "--authorize-all="], "--authorize-all needs 0 or 1"),
            (["--observe", "--udev-source", "netlink"], "--udev-source is udev or kernel"),
            (["--observe", "--receive-buffer", "-5"], "--receive-buffer needs a byte count"),
            (["--observe", "--frobnicate"], "unknown option '--frobnicate' for --observe"),
        ]
        for (arguments, message) in cases {
            do {
                _ = try ObserveOptions.parse(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(error.description == message, "\(arguments)")
            }
        }
    }
}
