import ArgumentParser
import FoundationEssentials
import Platform
import PlenarSandbox

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Plenar API, MCP and the sandbox admin API.",
        discussion: """
            When ready, prints exactly one line on stdout: PLENAR_API_URL=http://HOST:PORT/v1.
            Logs one line per request on stderr (tokens shown as pko_…). Stops cleanly on SIGINT or SIGTERM.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "JSON file keeping organizations, projects, key hashes and events across restarts (default: memory only).")
    var state: String?

    @Flag(help: "Create org Acme, projects PLEN-DEMO and PLEN-OPS, and the demo keys.")
    var demo = false

    @Option(help: "Where --demo writes its keys as JSON, mode 0600 (default: $TMPDIR/plenar-sandbox-PORT.keys.json).")
    var keysOut: String?

    @Option(help: "Requests per second allowed per key; beyond it, 429 with a truthful Retry-After.")
    var rateLimit: Int?

    @Flag(help: "Do not log requests on stderr.")
    var quiet = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
        if keysOut != nil, !demo { throw ValidationError("--keys-out goes with --demo") }
    }

    func run() async throws {
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(
                configuration: SandboxConfiguration(
                    host: host, port: port, rateLimit: rateLimit, statePath: state, logRequests: !quiet
                ))
        } catch {
            StandardError.write("plenar-sandbox: \(error)\n")
            throw ExitCode.failure
        }
        let tokens = demo ? try await sandbox.seedDemo() : nil
        let keysOut = self.keysOut
        do {
            try await sandbox.run(handleSignals: true) { port in
                if let tokens {
                    do { try await sandbox.seedDemoTrust() } catch { StandardError.write("plenar-sandbox: \(error)\n") }
                    let path = keysOut ?? Self.defaultKeysPath(port: port)
                    do {
                        let data = try JSONEncoder.sorted.encode(tokens)
                        do throws(PlatformError) {
                            try AtomicFile.write(data + Data("\n".utf8), to: path, mode: 0o600)
                        } catch {
                            throw SandboxError.writeFailed(path: path, reason: error.description)
                        }
                        StandardError.write(
                            "plenar-sandbox: demo keys \(tokens.keys.sorted().joined(separator: ", ")) written to \(path)\n")
                    } catch {
                        StandardError.write("plenar-sandbox: \(error)\n")
                    }
                }
                StandardOutput.write("PLENAR_API_URL=\(sandbox.apiURL(port: port))\n")
            }
        } catch {
            StandardError.write("plenar-sandbox: \(error)\n")
            throw ExitCode.failure
        }
    }

    static func defaultKeysPath(port: Int) -> String {
        var folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        return "\(folder)/plenar-sandbox-\(port).keys.json"
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
