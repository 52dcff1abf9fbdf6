#if canImport(Glibc)
import Glibc
#endif

// SwiftPM compiles an executable's top-level code as `FuzzJID_main` (say) and links it with
// `--defsym main=FuzzJID_main`; libFuzzer's runtime brings a `main` of its own, and the default
// linker (gold) refuses the two. So Scripts/fuzz links with lld, where the `--defsym` wins, and
// each target's main.swift starts libFuzzer's driver itself through `LLVMFuzzerRunDriver`.

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target's test; libFuzzer calls it on one thread, one input at a time.
nonisolated(unsafe) private var currentTest: ((UnsafeRawBufferPointer) -> Void)?

/// libFuzzer's entry point: its own `main`, linked in though unused, refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    currentTest?(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Runs libFuzzer (with the process's arguments) on `test`, which gets one input at a time and
/// reports a finding by crashing; the process exits with libFuzzer's status.
public func fuzz(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    currentTest = test
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, testOneInput))
}

extension UnsafeRawBufferPointer {
    /// The input as text, invalid UTF-8 repaired as a `String` made from network bytes would be.
    public var text: String { String(decoding: self, as: UTF8.self) }
}
