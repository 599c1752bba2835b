import ArgumentParser
import PlenarSandbox

@main
struct PlenarSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plenar-sandbox",
        abstract: "A real Plenar server on loopback, for tests and local dry runs.",
        discussion: """
            Start it with demo data, then point plenar at the URL it prints:

              plenar-sandbox serve --demo --keys-out /tmp/keys.json
              PLENAR_API_URL=http://127.0.0.1:PORT/v1 PLENAR_TOKEN=$(jq -r .org_demo /tmp/keys.json) plenar status
            """,
        version: Sandbox.version,
        subcommands: [Serve.self, Keys.self],
        defaultSubcommand: Serve.self
    )
}
