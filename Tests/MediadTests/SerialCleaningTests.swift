import AssetCore
import Testing

/// How a device-supplied attribute becomes the text the ledger keeps: one rule for mediactl and
/// mediad (`SafeText.attribute`).
@Suite struct SerialCleaningTests {
    @Test func theKernelsNewlineGoesAndNothingElse() {
        #expect(SafeText.attribute(Array("4C530001230101104353\n".utf8)) == "4C530001230101104353")
        #expect(SafeText.attribute(Array("NO-NEWLINE".utf8)) == "NO-NEWLINE")
        #expect(SafeText.attribute(Array(" PADDED \n".utf8)) == " PADDED ", "spaces belong to the serial")
    }

    @Test func oddBytesAreEscapedAsTheLedgerStoresThem() {
        // The same bytes and text as the integration test of a serial with odd bytes.
        #expect(SafeText.attribute([0x41, 0x42, 0x01, 0xFF, 0x43, 0x44, 0x1B, 0x5B, 0x32, 0x4A, 0x0A]) == "AB\\x01\\xFFCD\\x1B[2J")
    }
}
