import Foundation
import SyncCore

// Everything lives in SyncCore, where the tests reach it; see `SyncMain` and `mediad-sync --help`.
exit(await SyncMain.run(Array(CommandLine.arguments.dropFirst())))
