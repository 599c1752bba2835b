import DryRun
import Testing

@Suite("DryRun expressions: literals, operators, functions, truthiness, errors")
struct DryRunExpressionTests {
    static let event = try! ExpressionValue.parseJSON(
        #"{"pull_request": {"head": {"repo": {"fork": true}}}, "labels": ["bug", "CI"], "n": 3}"#)

    static let context = ExpressionContext(values: [
        "github": .object(ExpressionObject([("event", event), ("ref", .string("refs/heads/main")), ("event_name", .string("push"))])),
        "env": .object(ExpressionObject([("NAME", .string("value")), ("EMPTY", .string(""))], caseSensitive: true)),
        "inputs": .object(ExpressionObject([("who", .string("world"))])),
        "secrets": .object(ExpressionObject([])),
    ])

    func evaluate(_ source: String, _ context: ExpressionContext = Self.context) throws -> ExpressionValue {
        try context.evaluate(ExpressionParser.parse(source))
    }

    @Test("literals: strings with '' escapes, numbers in JavaScript's forms, true, false, null")
    func literals() throws {
        #expect(try evaluate("'it''s'") == .string("it's"))
        #expect(try evaluate("''") == .string(""))
        #expect(try evaluate("42") == .number(42))
        #expect(try evaluate("-2.5") == .number(-2.5))
        #expect(try evaluate("0xff") == .number(255))
        #expect(try evaluate("1e3") == .number(1000))
        #expect(try evaluate(".5") == .number(0.5))
        #expect(try evaluate("true") == .bool(true))
        #expect(try evaluate("false") == .bool(false))
        #expect(try evaluate("null") == .null)
        #expect(try evaluate("NaN").number.isNaN)
    }

    @Test("== and != coerce across kinds and ignore case in strings; NaN equals nothing")
    func equality() throws {
        let equal = [
            "1 == '1'", "'abc' == 'ABC'", "null == 0", "null == ''", "true == 1", "false == ''", "'0x10' == 16", "' 2 ' == 2",
            "null == null",
        ]
        for source in equal { #expect(try evaluate(source) == .bool(true), "\(source)") }
        let unequal = ["'a' == 'b'", "NaN == NaN", "'abc' == 0", "true == 'true'", "github.event == fromJSON('{}')"]
        for source in unequal { #expect(try evaluate(source) == .bool(false), "\(source)") }
        #expect(try evaluate("github.event == github.event") == .bool(true))
        #expect(try evaluate("1 != 2") == .bool(true))
    }

    @Test("< <= > >= compare numbers, and strings ignoring case")
    func ordering() throws {
        #expect(try evaluate("1 < 2") == .bool(true))
        #expect(try evaluate("'a' < 'B'") == .bool(true))
        #expect(try evaluate("'10' > 9") == .bool(true))
        #expect(try evaluate("2 <= 2") == .bool(true))
        #expect(try evaluate("3 >= 4") == .bool(false))
        #expect(try evaluate("'x' < 1") == .bool(false))
    }

    @Test("&& and || return an operand, ! a boolean, parentheses group")
    func logic() throws {
        #expect(try evaluate("env.EMPTY || 'fallback'") == .string("fallback"))
        #expect(try evaluate("env.NAME || 'fallback'") == .string("value"))
        #expect(try evaluate("env.NAME && 0") == .number(0))
        #expect(try evaluate("'' && fromJSON('{nope')") == .string(""), "the right side is not evaluated")
        #expect(try evaluate("!env.EMPTY") == .bool(true))
        #expect(try evaluate("!(1 == 1 || false) && true") == .bool(false))
        #expect(try evaluate("true || false && false") == .bool(true), "&& binds tighter than ||")
    }

    @Test("property access with . and ['…'], indexes, missing keys and non-objects give null; contexts ignore case except env")
    func access() throws {
        #expect(try evaluate("github.event.pull_request.head.repo.fork") == .bool(true))
        #expect(try evaluate("github['event']['n']") == .number(3))
        #expect(try evaluate("github.event.labels[1]") == .string("CI"))
        #expect(try evaluate("github.event.labels[5]") == .null)
        #expect(try evaluate("github.nothing.deeper") == .null)
        #expect(try evaluate("github.ref.length") == .null)
        #expect(try evaluate("GITHUB.EVENT_NAME") == .string("push"))
        #expect(try evaluate("inputs.WHO") == .string("world"))
        #expect(try evaluate("env.name") == .null)
    }

    @Test("functions: contains, startsWith, endsWith, format, join, toJSON, fromJSON")
    func functions() throws {
        #expect(try evaluate("contains('Hello world', 'WORLD')") == .bool(true))
        #expect(try evaluate("contains(github.event.labels, 'ci')") == .bool(true))
        #expect(try evaluate("contains(github.event.labels, 'docs')") == .bool(false))
        #expect(try evaluate("startsWith(github.ref, 'REFS/heads/')") == .bool(true))
        #expect(try evaluate("endsWith(github.ref, '/main')") == .bool(true))
        #expect(try evaluate("format('{0} {{x}} {1}{0}', 'a', 2)") == .string("a {x} 2a"))
        #expect(try evaluate("join(github.event.labels, ', ')") == .string("bug, CI"))
        #expect(try evaluate("join(github.event.labels)") == .string("bug,CI"))
        #expect(try evaluate("join('one')") == .string("one"))
        #expect(try evaluate("toJSON(github.event.labels)") == .string("[\n  \"bug\",\n  \"CI\"\n]"))
        #expect(
            try evaluate("toJSON(fromJSON('{\"a\":[1,true,null],\"b\":{}}'))")
                == .string("{\n  \"a\": [\n    1,\n    true,\n    null\n  ],\n  \"b\": {}\n}"))
        #expect(try evaluate("fromJSON('1.5')") == .number(1.5), "fromJSON gives typed values")
        #expect(try evaluate("fromJSON('true') == true") == .bool(true))
    }

    @Test("status functions: success() and failure() follow the status, always() is true, cancelled() false")
    func statusFunctions() throws {
        var failed = Self.context
        failed.succeeded = false
        #expect(try evaluate("success()") == .bool(true))
        #expect(try evaluate("failure()", failed) == .bool(true))
        #expect(try evaluate("success()", failed) == .bool(false))
        #expect(try evaluate("always()", failed) == .bool(true))
        #expect(try evaluate("cancelled()") == .bool(false))
    }

    @Test("truthiness: null, false, 0, NaN and '' are false; anything else, arrays and objects included, is true")
    func truthiness() {
        let falsy: [ExpressionValue] = [.null, .bool(false), .number(0), .number(-0.0), .number(.nan), .string("")]
        for value in falsy { #expect(!value.isTruthy, "\(value)") }
        let truthy: [ExpressionValue] = [
            .bool(true), .number(-1), .string("false"), .string("0"), .array(ExpressionArray([])), .object(ExpressionObject([])),
        ]
        for value in truthy { #expect(value.isTruthy, "\(value)") }
    }

    @Test("values as text: numbers with at most 15 digits, arrays and objects by kind")
    func text() {
        #expect(ExpressionValue.number(3).text == "3")
        #expect(ExpressionValue.number(0.1).text == "0.1")
        #expect(ExpressionValue.number(1.0 / 3).text == "0.333333333333333")
        #expect(ExpressionValue.null.text == "")
        #expect(ExpressionValue.bool(true).text == "true")
        #expect(ExpressionValue.array(ExpressionArray([])).text == "Array")
        #expect(ExpressionValue.object(ExpressionObject([])).text == "Object")
    }

    @Test("syntax errors: bad tokens, unclosed strings, unknown functions and named values, argument counts")
    func syntaxErrors() throws {
        for source in [
            "a = b", "'open", "github.", "1 +", "(1", "github..ref", "nosuch(1)", "unknown.x", "contains('a')", "format()", "1-2",
            "'abc'[0]", "case(true, 1)",
        ] {
            #expect(throws: ExpressionError.self, "\(source)") { try ExpressionParser.parse(source) }
        }
        #expect(throws: ExpressionError.syntax("Unrecognized function: 'nosuch'. Located at position 6 within expression: 1 && nosuch(1)"))
        {
            try ExpressionParser.parse("1 && nosuch(1)")
        }
        #expect(throws: ExpressionError.syntax("Unexpected symbol: '=2'. Located at position 3 within expression: 1 =2")) {
            try ExpressionParser.parse("1 =2")
        }
        #expect(try ExpressionParser.parse("") == .literal(.null), "the empty expression is null")
        #expect(throws: ExpressionError.self, "but ${{ }} is not an expression") { try Template("${{ }}") }
    }

    @Test("nesting: up to 50 deep as on GitHub, no deeper")
    func depth() throws {
        #expect(try evaluate(String(repeating: "!", count: 49) + "false") == .bool(true))
        #expect(throws: ExpressionError.self) { try ExpressionParser.parse(String(repeating: "!", count: 50) + "false") }
        let path = (1...49).map { "._\($0)" }.joined()
        #expect(try evaluate("github\(path)") == .null)
        #expect(throws: ExpressionError.self) { try ExpressionParser.parse("github\(path)._50") }
    }

    @Test("the object filter: .* and [*] give values, and what follows applies to each")
    func filters() throws {
        let context = ExpressionContext(values: [
            "github": try ExpressionValue.parseJSON(
                #"{"event": {"labels": [{"name": "bug"}, {"name": "CI"}, {"other": 1}], "matrix": {"os": "linux", "arch": "x64"}}}"#)
        ])
        #expect(try evaluate("join(github.event.labels.*.name, ', ')", context) == .string("bug, CI"))
        #expect(try evaluate("contains(github.event.labels.*.name, 'ci')", context) == .bool(true))
        #expect(try evaluate("toJSON(github.event.matrix[*])", context) == .string("[\n  \"linux\",\n  \"x64\"\n]"))
        #expect(try evaluate("github.event.labels[*].missing", context) == .array(ExpressionArray([])))
        #expect(try evaluate("github.event_name.*", context) == .array(ExpressionArray([])), "anything else filters to nothing")
    }

    @Test("case(): the value after the first true predicate, else the last; predicates must be booleans")
    func caseFunction() throws {
        #expect(try evaluate("case(github.event_name == 'push', 'p', github.event_name == 'pull_request', 'pr', 'other')") == .string("p"))
        #expect(try evaluate("case(false, 1, 2)") == .number(2))
        #expect(try evaluate("case(true, 'x', fromJSON('{nope'))") == .string("x"), "branches not taken are not evaluated")
        #expect(throws: ExpressionError.evaluation("case predicate must evaluate to a boolean value")) { try evaluate("case('yes', 1, 2)") }
    }

    @Test("strings compare ordinally ignoring case: ü is Ü, ς is Σ, but ı is not I and İ is not i")
    func ordinalIgnoreCase() throws {
        for source in ["'ü' == 'Ü'", "'ς' == 'Σ'", "'ß' != 'SS'", "'ı' != 'I'", "'i' != 'İ'", "'a' < '['", "'A' < '['", "'ı' > 'I'"] {
            #expect(try evaluate(source) == .bool(true), "\(source)")
        }
        #expect(try evaluate("contains('abc', '')") == .bool(true))
        #expect(try evaluate("startsWith('Ünïcode', 'üN')") == .bool(true))
        #expect(try evaluate("endsWith('asdf_ı', 'I')") == .bool(false))
    }

    @Test("indexes: a quoted number indexes an array, rounded down; a number reads an object's key")
    func indexes() throws {
        #expect(try evaluate("github.event.labels[' 1.9 ']") == .string("CI"))
        #expect(try evaluate("github.event.labels[' 0x01 ']") == .string("CI"))
        #expect(try evaluate("github.event.labels[true]") == .string("CI"))
        #expect(try evaluate("github.event.labels['x']") == .null)
        #expect(try evaluate("fromJSON('{\"3\": \"three\"}')[3]") == .string("three"))
    }

    @Test("memory: intermediate results beyond 1 MiB fail, as on GitHub")
    func memory() throws {
        let big = "format('" + String(repeating: "{0}", count: 100) + "', '" + String(repeating: "x", count: 3000) + "')"
        #expect(try evaluate("startsWith(\(big), 'x')") == .bool(true))
        #expect(throws: ExpressionError.self) { try evaluate("startsWith(\(big), \(big)) || startsWith(\(big), \(big))") }
    }

    @Test("unsupported: matrix, needs; and evaluation errors: format, fromJSON")
    func evaluationErrors() {
        #expect(throws: ExpressionError.unsupported("the matrix context")) { try evaluate("matrix.os") }
        #expect(throws: ExpressionError.unsupported("the needs context")) { try evaluate("needs.build.result") }
        #expect(throws: ExpressionError.self) { try evaluate("steps.x") }
        #expect(throws: ExpressionError.evaluation("The following format string is invalid: {x}")) { try evaluate("format('{x}', 1)") }
        #expect(throws: ExpressionError.self) { try evaluate("format('{1}', 1)") }
        #expect(throws: ExpressionError.self) { try evaluate("fromJSON('{nope')") }
        #expect(throws: ExpressionError.self) { try evaluate("fromJSON('')") }
    }

    @Test("templates: ${{ }} in text becomes text; a lone expression keeps its type; }} inside a string does not end it")
    func templates() throws {
        let text = try Template("Hello ${{ inputs.who }}${{ '!' }} (${{ github.event.n }})")
        #expect(try text.text(in: Self.context) == "Hello world! (3)")
        #expect(
            try Template("${{ github.event.labels }}").value(in: Self.context) == .array(ExpressionArray([.string("bug"), .string("CI")])))
        #expect(try Template("${{ github.event.labels }}").text(in: Self.context) == "Array")
        #expect(try Template("${{ format('{{}}{0}', 'x') }}").text(in: Self.context) == "{}x")
        #expect(try Template("plain").hasExpressions == false)
        #expect(throws: ExpressionError.self) { try Template("${{ github.ref ") }
        #expect(throws: ExpressionError.self) { try Template("${{ 1 = 2 }}") }
    }

    @Test("if: bare or in ${{ }}; without a status function it means success() && (…); text around ${{ }} makes a non-empty string")
    func conditions() throws {
        var failed = Self.context
        failed.succeeded = false
        #expect(try Condition("github.event_name == 'push'").isTrue(in: Self.context))
        #expect(try Condition("${{ github.event_name == 'push' }}").isTrue(in: Self.context))
        #expect(try !Condition("github.event_name == 'push'").isTrue(in: failed))
        #expect(try Condition("always() && github.event_name == 'push'").isTrue(in: failed))
        #expect(try Condition("failure()").isTrue(in: failed))
        #expect(try !Condition("failure()").isTrue(in: Self.context))
        #expect(try Condition("${{ false }} && true").isTrue(in: Self.context), "a string, not an expression")
        #expect(try !Condition("${{ false }}").isTrue(in: Self.context))
    }
}
