/// `plenar run`'s arguments, read from the bytes the process was given, in one pass.
///
/// Two things ArgumentParser cannot do for `run`: keep bytes that are not UTF-8 (it decodes
/// every argument, turning them into U+FFFD), and parse ten thousand `--mask-env` options in
/// reasonable time (it removes each parsed word from an array: quadratic, 7 s for 2,000 in a
/// debug build). So the command after `--` and every `--mask`/`--mask-env` are read here, as
/// bytes; ArgumentParser gets the rest (`parserArguments`), which it checks and documents as
/// usual. A `--mask` or `--mask-env` without a value is left to it, to report.
public struct RunArguments: Equatable, Sendable {
    /// The arguments after `plenar`, less the masks: what ArgumentParser parses.
    public var parserArguments: [String]
    /// The command and its arguments, byte for byte; nil when there is no `--`.
    public var command: [[UInt8]]?
    public var masks: [[UInt8]] = []
    public var maskVariables: [String] = []

    /// The options of `run` that take a value (`--name V`), so a value is never read as an option.
    static let valued: Set<[UInt8]> = [Array("--name".utf8), Array("--project".utf8)]

    /// `arguments`: the process's arguments after the program's name, starting with `run`.
    public init(_ arguments: [[UInt8]]) {
        let decode = { (word: [UInt8]) in String(decoding: word, as: UTF8.self) }
        let terminator = Array("--".utf8), mask = Array("--mask".utf8), maskEnv = Array("--mask-env".utf8)
        parserArguments = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if word == terminator {
                command = Array(arguments[(index + 1)...])
                parserArguments += arguments[index...].map(decode)
                return
            }
            if word == mask || word == maskEnv, let value = next, value != terminator {
                if word == mask { masks.append(value) } else { maskVariables.append(decode(value)) }
                index += 2
                continue
            }
            if word.starts(with: mask + [UInt8(ascii: "=")]) {
                masks.append(Array(word.dropFirst(mask.count + 1)))
            } else if word.starts(with: maskEnv + [UInt8(ascii: "=")]) {
                maskVariables.append(decode(Array(word.dropFirst(maskEnv.count + 1))))
            } else {
                parserArguments.append(decode(word))
                if Self.valued.contains(word), let value = next {
                    parserArguments.append(decode(value))
                    index += 1
                }
            }
            index += 1
        }
    }
}
