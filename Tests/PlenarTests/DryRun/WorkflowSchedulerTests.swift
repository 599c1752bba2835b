import DryRun
import Foundation
import Testing

@Suite("Local run scheduling through the engine: fail-fast, continue-on-error, checks before anything runs")
struct WorkflowSchedulerTests {
    @Test("fail-fast cancels the combinations not yet run; without it they run; the run fails either way")
    func failFast() async throws {
        let workflow = """
            on: push
            jobs:
              test:
                strategy:
                  fail-fast: FAST
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - name: Step ${{ matrix.n }}
                    run: echo "n=${{ matrix.n }}"; exit ${{ matrix.n == 2 && 1 || 0 }}
            """
        let fast = try DryRunFixture(workflow: workflow.replacingOccurrences(of: "FAST", with: "true"))
        defer { fast.remove() }
        let run = await fast.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(!result.succeeded)
        #expect(result.jobs.map(\.name) == ["test (1)", "test (2)", "test (3)"])
        #expect(result.jobs.map(\.result) == [.success, .failure, .cancelled])
        #expect(result.jobs[2].reason == "fail-fast: test (2) failed")
        #expect(!run.lines.contains("n=3"))

        let slow = try DryRunFixture(workflow: workflow.replacingOccurrences(of: "FAST", with: "false"))
        defer { slow.remove() }
        let all = try #require(await slow.run().result)
        #expect(all.jobs.map(\.result) == [.success, .failure, .success])
        #expect(all.failures == ["job test (2): step 1 \"Step 2\": Process completed with exit code 1."])
    }

    @Test("continue-on-error on a matrix job: its failure neither cancels the others nor fails the run")
    func continueOnError() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    continue-on-error: ${{ matrix.experimental }}
                    strategy:
                      matrix:
                        version: [6, 7]
                        experimental: [false]
                        include:
                          - version: 9
                            experimental: true
                    steps:
                      - run: exit ${{ matrix.experimental && 1 || 0 }}
                  after:
                    needs: test
                    steps:
                      - run: echo "test was ${{ needs.test.result }}"
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(result.succeeded, "\(run.log)")
        #expect(result.jobs.map(\.name) == ["test (6, false)", "test (7, false)", "test (9, true)", "after"])
        #expect(result.jobs[2].reason.hasSuffix("(continue-on-error)"))
        #expect(run.lines.contains("test was success"))
    }

    @Test("every problem of the jobs that run is listed at once and nothing runs; a problem elsewhere is a note")
    func checksFirst() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  first:
                    steps:
                      - run: echo first ran
                  broken:
                    needs: [first, missing]
                    services:
                      db: postgres
                    steps:
                      - run: true
                  cycle-a:
                    needs: cycle-b
                    steps:
                      - run: true
                  cycle-b:
                    needs: cycle-a
                    steps:
                      - uses: ./actions/absent
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        let message = try #require(run.error?.message, "\(run.log)")
        #expect(message.hasPrefix("nothing ran:\n"), "\(message)")
        #expect(message.contains("job broken: needs: missing is not a job of this workflow"))
        #expect(message.contains("ci.yml:9, job broken: services: the local run has no container engine"))
        #expect(message.contains("its needs form a cycle"))
        #expect(message.contains("uses: ./actions/absent:"))
        #expect(!run.lines.contains("first ran"))

        let first = await fixture.run(job: "first")
        #expect(first.succeeded, "\(first.log)")
        #expect(first.lines.contains { $0.hasPrefix("· job broken does not run; it would be refused: ") })
    }

    @Test("a reusable workflow given an input it does not declare, or calling itself, is refused before anything runs")
    func reusableRefusals() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/called.yml
                    with:
                      colour: blue
                """,
            files: [
                ".github/workflows/called.yml": """
                on:
                  workflow_call:
                    inputs:
                      color:
                        type: string
                jobs:
                  again:
                    uses: ./.github/workflows/called.yml
                """
            ])
        defer { fixture.remove() }
        let message = try #require(await fixture.run().error?.message)
        #expect(message.contains("with.colour: .github/workflows/called.yml has no such input (its inputs: color)"), "\(message)")
        #expect(message.contains("uses: ./.github/workflows/called.yml: the workflow calls itself"), "\(message)")
    }

    @Test("an input default is applied, typed, for workflow_dispatch, the default event of a workflow without push")
    func inputDefault() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on:
                  workflow_dispatch:
                    inputs:
                      platforms:
                        default: linux,macos
                      dry:
                        type: boolean
                        default: true
                jobs:
                  deploy-linux:
                    if: contains(inputs.platforms, 'linux') && inputs.dry
                    steps:
                      - run: echo "event=${{ github.event_name }} boolean=${{ toJSON(inputs.dry) == 'true' }} string=${{ toJSON(github.event.inputs.dry) == '"true"' }}"
                """)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        #expect(run.lines.contains("event=workflow_dispatch boolean=true string=true"), "\(run.log)")
    }

    @Test(
        "a Windows combination: refused before anything runs when the matrix is known, --matrix picks the others; known only at run time, refused alone"
    )
    func windowsCombination() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    runs-on: ${{ matrix.os }}
                    strategy:
                      matrix:
                        os: [ubuntu-latest, windows-latest]
                    steps:
                      - run: echo "on ${{ matrix.os }}"
                """)
        defer { fixture.remove() }
        let refused = await fixture.run()
        let message = try #require(refused.error?.message, "\(refused.log)")
        #expect(message.contains("job test: combination (windows-latest): runs-on windows-latest: a Windows runner"), "\(message)")
        #expect(message.hasSuffix("or pick other combinations with --matrix)"))
        let picked = await fixture.run { $0.matrix = [NamedValue("os", "ubuntu-latest")] }
        #expect(picked.succeeded, "\(picked.log)")
        #expect(picked.lines.contains("on ubuntu-latest"))

        let dynamic = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  plan:
                    outputs:
                      systems: '["ubuntu-latest", "windows-latest"]'
                    steps:
                      - run: true
                  test:
                    needs: plan
                    runs-on: ${{ matrix.os }}
                    strategy:
                      matrix:
                        os: ${{ fromJSON(needs.plan.outputs.systems) }}
                    steps:
                      - run: echo "on ${{ matrix.os }}"
                """)
        defer { dynamic.remove() }
        let run = await dynamic.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(result.refused && !result.succeeded)
        #expect(result.jobs.map(\.result) == [.success, .success, .refused])
        #expect(run.lines.contains("on ubuntu-latest"))
    }

    @Test("--check checks what would run and runs nothing; a job whose if: is already false is not checked")
    func checkOnly() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on:
                  workflow_dispatch:
                    inputs:
                      platforms:
                        default: linux
                jobs:
                  linux:
                    steps:
                      - run: echo ran
                  mac:
                    if: contains(inputs.platforms, 'macos')
                    runs-on: macos-latest
                    steps:
                      - run: echo ran on mac
                """)
        defer { fixture.remove() }
        let run = await fixture.run { $0.checkOnly = true }
        #expect(run.succeeded, "\(run.log)")
        #expect(!run.lines.contains("ran"))
        #expect(run.lines.contains("· job mac will be skipped (if: contains(inputs.platforms, 'macos') is false), so it is not checked"))
        #expect(run.lines.last == "Checked: 2 jobs can run here; nothing ran (--check)")
    }

    @Test("a matrix of calls to a reusable workflow: each combination calls it, its jobs named caller (values) / job")
    func matrixOfCalls() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  call:
                    strategy:
                      matrix:
                        n: [1, 2]
                    uses: ./.github/workflows/called.yml
                    with:
                      n: ${{ matrix.n }}
                """,
            files: [
                ".github/workflows/called.yml": """
                on:
                  workflow_call:
                    inputs:
                      n:
                        type: number
                jobs:
                  work:
                    steps:
                      - run: echo "n=${{ inputs.n }} doubled=${{ inputs.n == 2 }}"
                """
            ])
        defer { fixture.remove() }
        let run = await fixture.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(result.succeeded, "\(run.log)")
        #expect(result.jobs.map(\.name) == ["call (1) / work", "call (2) / work"])
        #expect(run.lines.contains("n=1 doubled=false") && run.lines.contains("n=2 doubled=true"))
    }

    @Test("a job output holding a secret is not passed on, with the runner's warning; a reusable workflow's with: cannot read secrets")
    func secretsStayPut() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  a:
                    outputs:
                      tok: ${{ steps.s.outputs.tok }}
                      plain: ${{ steps.s.outputs.plain }}
                    steps:
                      - id: s
                        run: |
                          echo "tok=${{ secrets.A }}" >> "$GITHUB_OUTPUT"
                          echo "plain=visible" >> "$GITHUB_OUTPUT"
                  b:
                    needs: a
                    steps:
                      - run: echo "b got [${{ needs.a.outputs.tok }}] and [${{ needs.a.outputs.plain }}]"
                """)
        defer { fixture.remove() }
        let run = await fixture.run(secrets: [NamedValue("A", "hunter2-long-secret")])
        #expect(run.succeeded, "\(run.log)")
        #expect(run.lines.contains("b got [] and [visible]"), "\(run.log)")
        #expect(run.log.contains("Skip output 'tok' since it may contain secret."))

        let call = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/called.yml
                    with:
                      t: ${{ secrets.A }}
                """,
            files: [
                ".github/workflows/called.yml": """
                on:
                  workflow_call:
                    inputs:
                      t:
                        type: string
                jobs:
                  inner:
                    steps:
                      - run: echo "inner ran"
                """
            ])
        defer { call.remove() }
        let refused = await call.run(secrets: [NamedValue("A", "hunter2-long-secret")])
        #expect(refused.error?.message.contains("with.t: Unrecognized named-value: 'secrets'") == true, "\(refused.log)")
        #expect(!refused.lines.contains("inner ran"))
    }

    @Test(
        "a reusable workflow's boolean input: true as written and an expression's boolean are taken; a job output's string is refused, as GitHub does"
    )
    func typedWith() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  a:
                    outputs:
                      f: ${{ steps.s.outputs.f }}
                    steps:
                      - id: s
                        run: echo "f=false" >> "$GITHUB_OUTPUT"
                  written:
                    uses: ./.github/workflows/called.yml
                    with:
                      flag: true
                  computed:
                    uses: ./.github/workflows/called.yml
                    with:
                      flag: ${{ github.event_name == 'push' }}
                  fromOutput:
                    needs: a
                    uses: ./.github/workflows/called.yml
                    with:
                      flag: ${{ needs.a.outputs.f }}
                """,
            files: [
                ".github/workflows/called.yml": """
                on:
                  workflow_call:
                    inputs:
                      flag:
                        type: boolean
                jobs:
                  inner:
                    steps:
                      - run: echo "flag=${{ inputs.flag }}"
                """
            ])
        defer { fixture.remove() }
        let run = await fixture.run()
        let result = try #require(run.result, "\(run.log)")
        #expect(result.jobs.map(\.result) == [.success, .success, .success, .failure], "\(run.log)")
        #expect(run.lines.filter { $0 == "flag=true" }.count == 2)
        #expect(run.log.contains("input 'flag' is a boolean: Unexpected value 'false'"))
    }
}
