import Foundation
import Testing

/// The built `plenar run` with bytes that are not UTF-8, closed streams, scripts with no `#!`,
/// and a stdin that never closes: issue 17's transparency and leak cases, end to end. The shell
/// makes the bytes, so no Swift string ever holds them on the way in.
@Suite("plenar run and stdin, end to end: bytes, closed streams, bounds")
struct RunBytesTests {
    /// Runs `script` with `sh -c`, `$PLENAR` naming the built binary.
    static func shell(_ script: String, environment: [String: String] = [:]) async throws -> ChildProcess {
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8", "PLENAR": CLI.executable]
        env.merge(environment) { $1 }
        return try await ChildProcess.run("/bin/sh", ["-c", script], environment: env)
    }

    @Test("argv and environment reach the command byte for byte")
    func bytes() async throws {
        let argument = try await Self.shell(#"exec "$PLENAR" run -- printf %s "$(printf 'a\344b')""#)
        #expect(argument.status == 0, "\(argument.stderr)")
        #expect(Array(argument.output) == [0x61, 0xE4, 0x62])
        let variable = try await Self.shell(#"X="$(printf 'a\344b')" exec "$PLENAR" run -- sh -c 'printf %s "$X"'"#)
        #expect(Array(variable.output) == [0x61, 0xE4, 0x62])
        // A folder named in Latin-1 on PATH, and as the command's own path.
        let folder = try Workspace(git: false)
        defer { folder.remove() }
        let reached = try await Self.shell(
            #"d="$ROOT/$(printf 'bin\344')"; mkdir "$d" && printf '#!/bin/sh\necho reached\n' > "$d/tool" && chmod +x "$d/tool" && PATH="$d:$PATH" "$PLENAR" run -- tool && "$PLENAR" run -- "$d/tool""#,
            environment: ["ROOT": folder.folder.path])
        #expect(reached.status == 0, "\(reached.stderr)")
        #expect(reached.stdout == "reached\nreached\n")
    }

    @Test("secrets that are not UTF-8 are masked: --mask bytes, --mask-env, *_PASSWORD")
    func latin1Secrets() async throws {
        let masked = try await Self.shell(
            #"s="$(printf 'p\344sswort-latin1')"; DB_PASSWORD="$s-db" M="$s-env" exec "$PLENAR" run --mask "$s" --mask-env M -- printf '%s|%s-db|%s-env\n' "$s" "$s" "$s""#
        )
        #expect(masked.status == 0, "\(masked.stderr)")
        #expect(masked.stdout == "***|***|***\n")
    }

    /// `--name words` is read by the hot path, `--name=words` by ArgumentParser: both the same.
    @Test(
        "run's words are read once, as bytes: the command after the first --, masks in both spellings, the rest for the parser",
        arguments: ["--name words", "--name=words"])
    func words(name: String) async throws {
        // Each argument of the command as hex, then the masked values as the command sees them.
        let script = #"""
            s="$(printf 'p\344sswort')"; K="value-of-k" exec "$PLENAR" run \#(name) --mask "$s" --mask-env=K --json \
              --mask-env MISSING_VARIABLE --mask="$(printf 'third\377')" -- /bin/sh -c \
              'for a; do printf %s "$a" | od -An -tx1 | tr -d " \n"; echo; done; printf "%s|%s|%s\n" "$3" "$K" "$6"' \
              sh "$(printf 'a\344b')" -- "$s" --mask --mask-env=K "$(printf 'third\377')" "$(printf '\377\376')"
            """#
        let result = try await Self.shell(script)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(8)) == [
                "61e462", "2d2d", "70e47373776f7274", "2d2d6d61736b",
                "2d2d6d61736b2d656e763d4b", "7468697264ff", "fffe", "***|***|***",
            ], "\(result.stdout)")
        #expect(lines.count == 9 && lines[8].hasPrefix("{"), "\(result.stdout)")
        #expect(result.stderr.contains("--mask-env MISSING_VARIABLE: the variable is not set"), "\(result.stderr)")
        let help = try await Self.shell(#"exec "$PLENAR" run --mask-env K --help"#)
        #expect(help.status == 0 && help.stdout.contains("USAGE: plenar run"), "\(help.stdout)")
        let usage = try await Self.shell(#"exec "$PLENAR" run --mask-env K --mask"#)
        #expect(usage.status == 64 && usage.stdout.isEmpty, "\(usage.stderr)")
    }

    @Test("a script without #! runs with /bin/sh, as a shell would run it")
    func scriptWithoutInterpreterLine() async throws {
        let folder = try Workspace(git: false)
        defer { folder.remove() }
        // Written by the shell: a file this (multithreaded) process wrote could still be open in a
        // child another test is starting, and exec would fail with "Text file busy".
        let result = try await Self.shell(
            #"printf 'echo plain "$1"\n' > "$ROOT/plain.sh" && chmod +x "$ROOT/plain.sh" && exec "$PLENAR" run -- "$ROOT/plain.sh" arg"#,
            environment: ["ROOT": folder.folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "plain arg\n")
    }

    @Test("a stream closed for plenar is closed for the command: its writes fail as they would without plenar")
    func closedStdout() async throws {
        let direct = try await Self.shell(#"sh -c 'echo hi; echo "status=$?" >&2' >&-"#)
        let wrapped = try await Self.shell(#"exec "$PLENAR" run -- sh -c 'echo hi; echo "status=$?" >&2' >&-"#)
        #expect(direct.stderr.contains("status=1"))
        #expect(wrapped.stderr.contains("status=1"), "\(wrapped.stderr)")
    }

    @Test("a stdin that never closes holds hook and connect --key - only until PLENAR_TIMEOUT_MS")
    func stdinBound() async throws {
        // The writer would hold stdin open for 10 minutes: returning at all shows the bound.
        func holdingStdin(_ first: String, _ command: String) -> String {
            #"f="$(mktemp -u)"; mkfifo "$f"; (printf '\#(first)'; exec sleep 600) > "$f" 2>/dev/null & w=$!; "#
                + #"PLENAR_TIMEOUT_MS=1000 "$PLENAR" \#(command) < "$f"; s=$?; kill $w; rm -f "$f"; echo "status=$s""#
        }
        let hook = try await Self.shell(holdingStdin(#"{"tool":"x"}"#, "hook Stop"))
        #expect(hook.stdout.hasSuffix("status=0\n"), "\(hook.stdout)")
        #expect(hook.stderr.contains("stdin stayed open past 1000 ms"), "\(hook.stderr)")
        let connect = try await Self.shell(holdingStdin("", "connect --key - --no-mcp"))
        #expect(connect.stdout.hasSuffix("status=2\n"), "\(connect.stdout)")
        #expect(connect.stderr.contains("no key arrived on standard input within 1000 ms"), "\(connect.stderr)")
    }
}
