import Foundation
import PlenarAPI
import Testing

@testable import PlenarKit

/// The built `plenar run` against a real sandbox: transparent for the command, opaque for secrets.
@Suite("plenar run, end to end")
struct RunTests {
    static let secretValue = "s3cr3t-Value_with/slash+plus"

    @Test("exit statuses 0 through 255 pass through; a signal death is 128+N; 127 and 126 as a shell gives them")
    func exitStatuses() async throws {
        for status in 0...255 {
            let result = try await CLI.run(["run", "--", "/bin/sh", "-c", "exit \(status)"], api: nil, token: nil)
            #expect(result.status == Int32(status), "exit \(status): \(result.stderr)")
        }
        #expect(try await CLI.run(["run", "--", "/bin/sh", "-c", "kill -9 $$"], api: nil, token: nil).status == 137)
        let missing = try await CLI.run(["run", "--", "no-such-command-here"], api: nil, token: nil)
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("no-such-command-here: command not found"))
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("script.sh", "#!/bin/sh\necho hi\n")
        #expect(try await CLI.run(["run", "--", repo.path("script.sh")], api: nil, token: nil).status == 126)
    }

    @Test("argv exactly, no shell; stdin passes through; PLENAR_RUN_ID is set")
    func transparent() async throws {
        let arguments = ["a b", "'quoted'", "$HOME", "", "*", "ünï"]
        let printed = try await CLI.run(["run", "--", "/usr/bin/printf", "[%s]\\n"] + arguments, api: nil, token: nil)
        #expect(printed.stdout == arguments.map { "[\($0)]\n" }.joined())
        let echoed = try await CLI.run(["run", "--", "/bin/cat"], api: nil, token: nil, stdin: Data("from stdin\n".utf8))
        #expect(echoed.stdout == "from stdin\n")
        let id = try await CLI.run(["run", "--", "/bin/sh", "-c", "echo $PLENAR_RUN_ID"], api: nil, token: nil)
        #expect(id.stdout.hasPrefix("run_") && id.stdout.count == 29, "\(id.stdout)")
    }

    @Test("a 4 MB binary stream comes out byte for byte")
    func binary() async throws {
        let bytes = try #require(FileHandle(forReadingAtPath: "/dev/urandom")?.readData(ofLength: 4 << 20))
        try #require(bytes.count == 4 << 20)
        let result = try await CLI.run(["run", "--", "/bin/cat"], api: nil, token: nil, stdin: bytes)
        #expect(result.status == 0)
        #expect(result.bytes == bytes)
    }

    @Test("secrets vanish from stdout and stderr in every listed form; other bytes stay")
    func masking() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let secret = Self.secretValue
            let base64 = Data(secret.utf8).base64EncodedString()
            let base64Line = Data((secret + "\n").utf8).base64EncodedString()
            let url = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
            let lowerHex = url.replacingOccurrences(of: "%2F", with: "%2f").replacingOccurrences(of: "%2B", with: "%2b")
            #expect(lowerHex != url)
            let script = """
                echo "token=$PLENAR_TOKEN"
                echo "raw=$DEPLOY_TOKEN" >&2
                echo "b64=\(base64) b64nl=\(base64Line) url=\(url) lower=\(lowerHex)"
                printf '{"v":"%s"}\\n' "$DEPLOY_TOKEN"
                echo "explicit=hunter2hunter2 env-named=$MY_VALUE plain=ok"
                """
            let result = try await CLI.run(
                ["run", "--mask", "hunter2hunter2", "--mask-env", "MY_VALUE", "--", "/bin/sh", "-c", script],
                api: sandbox.apiURL, token: token, environment: ["DEPLOY_TOKEN": secret, "MY_VALUE": "value-from-env"]
            )
            #expect(result.status == 0, "\(result.stderr)")
            let all = result.stdout + result.stderr
            for leaked in [token, secret, base64, base64Line, url, lowerHex, "hunter2hunter2", "value-from-env"] {
                #expect(!all.contains(leaked), "leaked: \(leaked)")
            }
            #expect(result.stdout.hasPrefix("token=pko_…\n"))
            #expect(result.stderr.hasPrefix("raw=***\n"))
            #expect(result.stdout.contains("explicit=*** env-named=*** plain=ok\n"))
        }
    }

    @Test("--mask-env: a name that is not set or a value too short to mask is a warning; an empty value (a secret not defined) is not")
    func maskEnvWarnings() async throws {
        try await RunningSandbox.process { sandbox in
            let result = try await CLI.run(
                [
                    "run", "--mask-env", "NPM_TOKEN", "--mask-env", "TWINE_PASSWORD", "--mask-env", "SHORT", "--mask-env", "TYPO", "--",
                    "/bin/true",
                ],
                api: sandbox.apiURL, token: try sandbox.token("org_demo"),
                environment: ["NPM_TOKEN": "npm_value_long_enough", "TWINE_PASSWORD": "", "SHORT": "ab"]
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("--mask-env TYPO: the variable is not set, so nothing of it is masked (is the name right?)"))
            #expect(result.stderr.contains("--mask-env SHORT: the value is shorter than 3 bytes, so it is not masked"))
            #expect(!result.stderr.contains("TWINE_PASSWORD"), "an empty value says nothing: \(result.stderr)")
            #expect(!result.stderr.contains("NPM_TOKEN"), "\(result.stderr)")
        }
    }

    @Test("the report reaches the sandbox: status, duration, start, and a redacted command line")
    func report() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(
                ["run", "--name", "deploy", "--mask", "hunter2hunter2", "--", "/bin/sh", "-c", "sleep 0.3; echo hunter2hunter2; exit 3"],
                api: sandbox.apiURL, token: token
            )
            #expect(result.status == 3)
            #expect(result.stdout == "***\n")
            let event = try #require(try await sandbox.events().last)
            #expect(event["type"] == .string("run"))
            let body = try #require(event["body"])
            #expect(body["name"] == .string("deploy"))
            #expect(body["exit_code"] == .number(3))
            #expect(body["status"] == .string("failed"))
            #expect(body["command"] == .string("/bin/sh -c 'sleep 0.3; echo ***; exit 3'"))
            guard case let .number(duration)? = body["duration_ms"] else {
                Issue.record("no duration")
                return
            }
            #expect(duration >= 300 && duration < 10_000)
            #expect(body["started_at"]?.stringValue?.hasPrefix("20") == true)
            expectNoSecret(token, in: result.stdout, result.stderr)
        }
    }

    @Test("a secret holding a quote stays out of the reported command line")
    func reportQuotedSecret() async throws {
        try await RunningSandbox.process { sandbox in
            let result = try await CLI.run(
                ["run", "--", "/bin/sh", "-c", "echo \"$1\"", "x", "--password=it's-hunter2"],
                api: sandbox.apiURL, token: sandbox.token("org_demo"), environment: ["DB_PASSWORD": "it's-hunter2"]
            )
            #expect(result.stdout == "--password=***\n")
            let body = try #require(try await sandbox.events().last?["body"])
            let command = try #require(body["command"]?.stringValue)
            #expect(!command.contains("hunter2") && command.contains("***"), "\(command)")
        }
    }

    @Test("a command killed by a signal: plenar dies of the same signal, so a calling shell stops too")
    func diesLikeTheCommand() async throws {
        let plenar = try SpawnedProcess(
            CLI.executable, ["run", "--", "/bin/sh", "-c", "kill -TERM $$"], environment: ["PATH": "/usr/bin:/bin"])
        let (code, signal) = plenar.waitRaw()
        #expect(signal == SIGTERM && code == 0, "exit \(code), signal \(signal)")
    }

    @Test("SIGTERM to plenar reaches the command: 143, no orphan, the report says cancelled")
    func sigterm() async throws {
        try await RunningSandbox.process { sandbox in
            let plenar = try SpawnedProcess(
                CLI.executable, ["run", "--", "/bin/sh", "-c", "echo $$; exec sleep 60"],
                environment: ["PATH": "/usr/bin:/bin", "PLENAR_API_URL": sandbox.apiURL, "PLENAR_TOKEN": try sandbox.token("org_demo")]
            )
            let child = try #require(plenar.line().flatMap { Int32($0) })
            #expect(kill(child, 0) == 0, "the command runs")
            #expect(kill(plenar.pid, SIGTERM) == 0)
            #expect(plenar.wait() == 143)
            #expect(kill(child, 0) == -1 && errno == ESRCH, "the command is gone, not orphaned")
            let event = try #require(try await sandbox.events().last)
            #expect(event["body"]?["status"] == .string("cancelled"))
            #expect(event["body"]?["signal"] == .number(15))
        }
    }

    @Test("after a forwarded signal the report gets at most 1 s, even with a hanging service and a 10-minute deadline")
    func cancelledReportIsShort() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"hang"}"#)
            let plenar = try SpawnedProcess(
                CLI.executable, ["run", "--", "/bin/sh", "-c", "echo $$; exec sleep 60"],
                environment: [
                    "PATH": "/usr/bin:/bin", "PLENAR_API_URL": sandbox.apiURL, "PLENAR_TOKEN": try sandbox.token("org_demo"),
                    "PLENAR_TIMEOUT_MS": "600000",
                ]
            )
            _ = try #require(plenar.line())
            let clock = ContinuousClock()
            let sent = clock.now
            #expect(kill(plenar.pid, SIGINT) == 0)
            #expect(plenar.wait() == 130)
            let took = clock.now - sent
            // 1 s against a 10-minute deadline: room for a starved scheduler, none for the deadline.
            #expect(took < .seconds(120), "took \(took): the deadline was not shortened")
            #expect(try await sandbox.requestsSeen(path: "/v1/runs").count == 1, "the report was tried")
        }
    }

    @Test("commands are written in the report as a shell would need them typed")
    func commandLine() {
        #expect(RunCommand.commandLine(["make", "test", "-j4", "A=b/c.d"]) == "make test -j4 A=b/c.d")
        #expect(RunCommand.commandLine(["sh", "-c", "echo 'a b'", ""]) == #"sh -c 'echo '\''a b'\''' ''"#)
    }

    @Test("output stays live: a line is passed on while the command still runs")
    func live() async throws {
        let plenar = try SpawnedProcess(
            CLI.executable, ["run", "--", "/bin/sh", "-c", "echo first; read line; echo \"second $line\""],
            environment: ["PATH": "/usr/bin:/bin"], withInput: true
        )
        // The command is blocked reading stdin: "first" can only arrive if it is passed on live.
        #expect(plenar.line() == "first")
        let input = try #require(plenar.input)
        try input.write(contentsOf: Data("go\n".utf8))
        try input.close()
        #expect(plenar.line() == "second go")
        #expect(plenar.wait() == 0)
    }
}
