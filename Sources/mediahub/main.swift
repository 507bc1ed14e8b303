import Foundation
import HubCore

// Everything lives in HubCore, where the tests reach it; see `HubMain` and `mediahub --help`.
exit(await HubMain.run(Array(CommandLine.arguments.dropFirst())))
