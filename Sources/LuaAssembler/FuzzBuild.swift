#if SWITCHBOARD_FUZZ_BUILD
// Scripts/fuzz builds the whole package with `-sanitize=fuzzer`, this build tool included, and
// libFuzzer's runtime then wants the entry point below. The tool's own `main` runs (lld lets
// SwiftPM's `--defsym main=…` win), so this is never called.
@_cdecl("LLVMFuzzerTestOneInput")
public func unusedFuzzEntry(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
#endif
