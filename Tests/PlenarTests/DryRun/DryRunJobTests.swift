import DryRun
import Foundation
import Testing

@Suite("DryRun jobs: real bash steps through the engine")
struct DryRunJobTests {
    static let greet = """
        name: Greet
        inputs:
          who:
            required: true
          punctuation:
            default: "!"
          ref:
            default: ${{ github.ref }}
        outputs:
          said:
            description: The greeting
            value: ${{ steps.say.outputs.text }}
          upper:
            value: ${{ steps.shout.outputs.text }}
        runs:
          using: composite
          steps:
            - id: say
              shell: bash
              run: |
                echo "text=hello ${{ inputs.who }}${{ inputs.punctuation }}" >> "$GITHUB_OUTPUT"
                echo "path=$GITHUB_ACTION_PATH expr=${{ github.action_path }} ref=${{ inputs.ref }} INPUT_WHO=${INPUT_WHO-unset}"
            - id: shout
              uses: ./actions/shout
              with:
                text: ${{ steps.say.outputs.text }}
        """

    static let shout = """
        inputs:
          text:
            required: true
        outputs:
          text:
            value: ${{ steps.up.outputs.text }}
        runs:
          using: composite
          steps:
            - id: up
              shell: sh
              run: echo "text=$(echo '${{ inputs.text }}' | tr a-z A-Z)" >> "$GITHUB_OUTPUT"
        """

    @Test("a composite action: with values and defaults as inputs, its steps and a nested action, outputs back to the caller")
    func compositeAction() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - id: greet
                        uses: ./actions/greet
                        with:
                          who: ${{ github.event_name }}
                      - run: echo "said=${{ steps.greet.outputs.said }} upper=${{ steps.greet.outputs.upper }}"
                """,
            files: ["actions/greet/action.yml": Self.greet, "actions/shout/action.yaml": Self.shout]
        )
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        let greetFolder = fixture.repository.path("actions/greet")
        #expect(run.lines.contains("  path=\(greetFolder) expr=\(greetFolder) ref=refs/heads/main INPUT_WHO=unset"))
        #expect(
            run.lines.contains("    ▶ Run echo \"text=$(echo '${{ inputs.text }}' | tr a-z A-Z)\" >> \"$GITHUB_OUTPUT\""),
            "nested, indented")
        #expect(run.output(of: "said=") == ["said=hello push! upper=HELLO PUSH!"])
    }

    @Test("a required input left out, a composite run step without shell, an unknown step key: errors naming file, step and construct")
    func compositeErrors() async throws {
        let missing = try DryRunFixture(
            workflow: "on: push\njobs:\n  test:\n    steps:\n      - uses: ./actions/greet\n",
            files: ["actions/greet/action.yml": Self.greet, "actions/shout/action.yml": Self.shout]
        )
        defer { missing.remove() }
        let run = await missing.run()
        let message = try #require(run.error?.message)
        #expect(
            message.contains("ci.yml:5, job test, step 1 \"Run ./actions/greet\": uses: ./actions/greet: input 'who' is required"),
            "\(message)")

        let noShell = try DryRunFixture(
            workflow: "on: push\njobs:\n  test:\n    steps:\n      - uses: ./actions/bare\n",
            files: ["actions/bare/action.yml": "runs:\n  using: composite\n  steps:\n    - run: echo hi\n"]
        )
        defer { noShell.remove() }
        let bare = try #require(await noShell.run().error?.message)
        #expect(
            bare.contains("actions/bare/action.yml:4, step 1 \"Run echo hi\": run: a run step in a composite action needs shell"), "\(bare)"
        )

        let typo = try DryRunFixture(workflow: "on: push\njobs:\n  test:\n    steps:\n      - run: echo hi\n        shel: bash\n")
        defer { typo.remove() }
        let typoMessage = try #require(await typo.run().error?.message)
        #expect(typoMessage.contains("job test, step 1 \"Run echo hi\": step: unexpected key 'shel'"), "\(typoMessage)")
    }

    @Test("after a failing step only failure() and always() steps run; the job fails naming the step and its status")
    func failureFlow() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - run: echo one
                      - id: broken
                        run: exit 7
                      - run: echo not-run
                      - if: failure()
                        run: echo "on failure, outcome=${{ steps.broken.outcome }} status=${{ job.status }}"
                      - if: always()
                        run: echo always
                      - if: success()
                        run: echo success-only
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(!result.succeeded)
        #expect(result.failures == ["step 2 \"Run exit 7\": Process completed with exit code 7."])
        #expect(run.lines.contains("○ Run echo not-run (skipped: an earlier step failed)"))
        #expect(run.lines.contains("○ Run echo success-only (skipped: an earlier step failed)"))
        #expect(run.output(of: "on failure") == ["on failure, outcome=failure status=failure"])
        #expect(run.output(of: "echo always") == ["always"])
        #expect(run.lines.last == "  ✗ step 2 \"Run exit 7\": Process completed with exit code 7.")
    }

    @Test("continue-on-error: outcome failure, conclusion success, and the job goes on successfully")
    func continueOnError() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - id: flaky
                        continue-on-error: true
                        run: exit 1
                      - run: echo "outcome=${{ steps.flaky.outcome }} conclusion=${{ steps.flaky.conclusion }} status=${{ job.status }}"
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        #expect(run.output(of: "outcome=") == ["outcome=failure conclusion=success status=success"])
    }

    @Test("secrets are masked from the start, ::add-mask:: on stderr from then on, in headers and the summary too")
    func masking() async throws {
        let token = "pko_dryrun_secret_value"
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - run: |
                          echo "secret is $TOKEN"
                          echo "before generated-value"
                          echo "::add-mask::generated-value" >&2
                          echo "after generated-value"
                        env:
                          TOKEN: ${{ secrets.PLENAR_TOKEN }}
                      - name: Print ${{ secrets.PLENAR_TOKEN }}
                        run: |
                          echo "again generated-value" >&2
                          echo "Summary with $TOKEN" >> "$GITHUB_STEP_SUMMARY"
                          echo "::warning::leaked $TOKEN"
                        env:
                          TOKEN: ${{ secrets.PLENAR_TOKEN }}
                """)
        defer { fixture.remove() }
        let run = await fixture.run(secrets: [NamedValue("PLENAR_TOKEN", token)])
        #expect(run.succeeded, "\(run.log)")
        #expect(!run.log.contains(token))
        #expect(!run.log.contains("::add-mask::"))
        #expect(run.output(of: "echo \"secret is") == ["secret is ***", "before generated-value", "after ***"])
        #expect(run.lines.contains("▶ Print ***"))
        #expect(run.lines.contains("again ***"))
        #expect(run.lines.contains("Summary with ***"))
        #expect(run.lines.contains("  Warning: leaked ***"), "listed again at the end")
        #expect(run.result?.summary == "Summary with \(token)\n", "the result keeps the summary as written")
    }

    @Test("other actions are skipped with a note; actions/cache says cache-hit false; this repository's actions run locally")
    func foreignActions() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - uses: actions/checkout@v4
                      - id: cache
                        uses: actions/cache@v4
                        with:
                          path: .build
                          key: ${{ runner.os }}-${{ hashFiles('Package.resolved') }}
                      - uses: plenar/plenar-ci/actions/hello@v1
                      - run: echo "hit=${{ steps.cache.outputs.cache-hit }}"
                """,
            files: ["actions/hello/action.yml": "runs:\n  using: composite\n  steps:\n    - run: echo local copy ran\n      shell: bash\n"]
        )
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        #expect(run.output(of: "actions/checkout") == ["· skipped: actions/checkout@v4 is not run by the dry run"])
        #expect(run.output(of: "actions/cache") == ["· skipped: actions/cache@v4 is not run by the dry run", "· outputs: cache-hit=false"])
        #expect(run.lines.contains("  local copy ran"))
        #expect(run.output(of: "hit=") == ["hit=false"])
    }

    @Test("GITHUB_PATH folders come first in later steps' PATH; GITHUB_ENV (heredoc too) reaches later steps, step env wins")
    func pathAndEnvironment() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                env:
                  FROM: workflow
                jobs:
                  test:
                    env:
                      LEVEL: job
                    steps:
                      - run: |
                          mkdir -p "$RUNNER_TEMP/tools"
                          printf '#!/bin/sh\\necho tool says hi\\n' > "$RUNNER_TEMP/tools/dry-run-tool"
                          chmod +x "$RUNNER_TEMP/tools/dry-run-tool"
                          echo "$RUNNER_TEMP/tools" >> "$GITHUB_PATH"
                          echo "LEVEL=from-github-env" >> "$GITHUB_ENV"
                          printf 'NOTES<<ghadelimiter_1\\na\\nb\\nghadelimiter_1\\n' >> "$GITHUB_ENV"
                          command -v dry-run-tool || echo "not on PATH yet"
                      - run: |
                          dry-run-tool
                          echo "first=${PATH%%:*}"
                          echo "level=$LEVEL from=$FROM notes=$(echo "$NOTES" | tr '\\n' ,) context=${{ env.LEVEL }}"
                      - run: echo "step level=$LEVEL"
                        env:
                          LEVEL: step
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        #expect(run.lines.contains("not on PATH yet"))
        #expect(run.lines.contains("tool says hi"))
        #expect(run.lines.contains { $0.hasPrefix("first=") && $0.hasSuffix("/temp/tools") })
        #expect(run.lines.contains("level=from-github-env from=workflow notes=a,b, context=from-github-env"))
        #expect(run.lines.contains("step level=step"))
    }

    @Test("timeout-minutes kills the step's process group at the limit; always() steps still run")
    func timeout() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - name: Slow
                        timeout-minutes: 1
                        run: |
                          echo started
                          sleep 300 &
                          sleep 300
                      - if: always()
                        run: echo cleanup
                """)
        defer { fixture.remove() }
        let started = ContinuousClock.now
        let run = await fixture.run(minute: .milliseconds(300))
        // The step would run 300 s; its timeout ends it in 0.3 s, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(120))
        #expect(run.result?.failures == ["step 1 \"Slow\": The action has timed out (timeout-minutes: 1)."], "\(run.log)")
        #expect(run.output(of: "Slow") == ["started", "Error: The action has timed out (timeout-minutes: 1)."])
        #expect(run.output(of: "echo cleanup") == ["cleanup"])
    }

    @Test("pull_request_fork: every secret is empty, the event says fork, GITHUB_EVENT_NAME is pull_request")
    func forkEvent() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: [push, pull_request]
                jobs:
                  test:
                    steps:
                      - run: echo "secret=[${{ secrets.PLENAR_TOKEN }}] env=[$TOKEN] fork=${{ github.event.pull_request.head.repo.fork }} event=$GITHUB_EVENT_NAME ref=$GITHUB_REF"
                        env:
                          TOKEN: ${{ secrets.PLENAR_TOKEN }}
                      - run: |
                          grep -c '"fork": true' "$GITHUB_EVENT_PATH"
                """)
        defer { fixture.remove() }
        let secret = [NamedValue("PLENAR_TOKEN", "pko_not_for_forks")]
        let fork = await fixture.run(event: .pullRequestFork, secrets: secret)
        #expect(fork.succeeded, "\(fork.log)")
        #expect(fork.output(of: "secret=") == ["secret=[] env=[] fork=true event=pull_request ref=refs/pull/1/merge"])
        #expect(fork.output(of: "grep -c") == ["1"])

        let push = await fixture.run(secrets: secret)
        #expect(push.output(of: "secret=") == ["secret=[***] env=[***] fork= event=push ref=refs/heads/main"])
    }

    @Test(
        "the runner's variables; unspecified shell is bash -e without pipefail, shell: bash adds it; a malformed GITHUB_OUTPUT fails the step"
    )
    func runnerEnvironment() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                name: CI
                on: push
                jobs:
                  test:
                    steps:
                      - run: |
                          echo "$GITHUB_ACTIONS $CI $GITHUB_REPOSITORY $GITHUB_SHA $GITHUB_REF $GITHUB_JOB $GITHUB_WORKFLOW $GITHUB_RUN_ATTEMPT $RUNNER_OS"
                          test "$PWD" = "$GITHUB_WORKSPACE" && test -d "$RUNNER_TEMP" && test -d "$HOME" && echo folders ok
                          echo "extra=$EXTRA context=[${{ env.EXTRA }}]"
                          false | true
                          echo default shell goes on
                      - id: strict
                        continue-on-error: true
                        shell: bash
                        run: false | true
                      - id: bad
                        continue-on-error: true
                        run: printf 'TEXT<<EOF\\nnever closed\\n' >> "$GITHUB_OUTPUT"
                      - run: echo "strict=${{ steps.strict.outcome }} bad=${{ steps.bad.outcome }}"
                """)
        defer { fixture.remove() }
        let run = await fixture.run(env: [NamedValue("EXTRA", "from --env")])
        #expect(run.succeeded, "\(run.log)")
        #expect(run.lines.contains("true true acme/app 0123456789abcdef0123456789abcdef01234567 refs/heads/main test CI 1 Linux"))
        #expect(run.lines.contains("folders ok"))
        #expect(run.lines.contains("extra=from --env context=[]"), "--env is the machine's environment, not the env context")
        #expect(run.lines.contains("default shell goes on"))
        #expect(
            run.lines.contains(
                "Error: Unable to process file command 'output' successfully. Invalid value. Matching delimiter not found 'EOF'"))
        #expect(run.output(of: "strict=") == ["strict=failure bad=failure"])
    }

    @Test("an expression in uses is refused before any step runs")
    func unsupported() async throws {
        let dynamic = try DryRunFixture(
            workflow: "on: push\njobs:\n  a:\n    steps:\n      - run: echo first\n      - uses: ${{ github.action_path }}/x\n")
        defer { dynamic.remove() }
        let run = await dynamic.run()
        #expect(run.error?.message.contains("uses: an expression is not allowed in uses") == true, "\(run.log)")
        #expect(!run.lines.contains("first"), "refused before the step before it ran")
    }

    @Test(
        "values known only at run time fail their step, never the run: continue-on-error, timeout-minutes, deep fromJSON, an action's output"
    )
    func runtimeValues() async throws {
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  a:
                    steps:
                      - id: s
                        run: |
                          echo "v=maybe" >> "$GITHUB_OUTPUT"
                          echo "j=\(deep)" >> "$GITHUB_OUTPUT"
                      - run: exit 1
                        continue-on-error: ${{ steps.s.outputs.v }}
                      - if: always()
                        run: echo "minutes ${{ fromJSON('1.5') }}"
                        timeout-minutes: ${{ fromJSON('1.5') }}
                      - if: always()
                        run: echo "huge timeout ran"
                        timeout-minutes: 1e300
                      - if: always() && fromJSON(steps.s.outputs.j)[0] != null
                        run: echo "never"
                      - if: always()
                        run: echo "cleanup ran"
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.error == nil, "a failed step, not a refusal: \(run.log)")
        #expect(!run.succeeded)
        #expect(run.log.contains("an error occurred when attempting to determine whether to continue on error: continue-on-error: 'maybe'"))
        #expect(run.log.contains("timeout-minutes: '1.5' is not a whole number of minutes"), "\(run.log)")
        #expect(run.lines.contains("huge timeout ran"), "clamped, as the runner's int is")
        #expect(run.log.contains("nested"), "fromJSON refuses the depth: \(run.log)")
        #expect(!run.lines.contains("never"))
        #expect(run.lines.contains("cleanup ran"))
    }

    @Test("hashFiles() hashes what the workspace holds when the step starts, as the runner does")
    func hashFiles() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  a:
                    steps:
                      - run: echo "before=${{ hashFiles('*.txt') }}"
                      - run: printf a > a.txt
                      - run: echo "after=${{ hashFiles('**/*.txt', '!nothing/**') }}"
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        #expect(run.output(of: "before=") == ["before="])
        // SHA-256 of the SHA-256 of "a" (computed apart, with Python's hashlib).
        #expect(run.output(of: "after=") == ["after=bf5d3affb73efd2ec6c36ad3112dd933efed63c4e1cbffcfa88e2759c144f2d8"])
    }
}
