import NIOCore
import NIOPosix

/// Runs Swift Concurrency's tasks on SwiftNIO's event loops (`MultiThreadedEventLoopGroup.singleton`).
///
/// The router's work is a chain of awaits on channels (a stanza in, a Redis reply, a stanza out):
/// with the default executor every await hops between a concurrency thread and an event loop
/// thread, and profiles of `switchboard bench` showed the router spending most of its CPU on
/// those wake-ups (futex and eventfd writes). On the event loops a task continues on the loop
/// that completed its future. Tasks must then never block: nothing in these commands does.
enum EventLoopExecutor {
    /// Installs the event loops as the global executor, once per process (later calls do nothing).
    static func install() {
        guard !installed else { return }
        installed = true
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    nonisolated(unsafe) private static var installed = false
}
