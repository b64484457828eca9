import Foundation

/// Runs async registry work to completion from synchronous code (the CLI, the store's blob
/// source). The caller's thread waits; the work runs on the concurrency pool and NIO's event
/// loops, never on the waiting thread, so the two cannot deadlock as long as the caller is
/// not itself a task of the pool — imggit's commands and store code are synchronous.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let result = ResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do { result.set(.success(try await body())) } catch { result.set(.failure(error)) }
    done.signal()
  }
  done.wait()
  return try result.get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
  // Written once by the task before it signals, read once after the wait.
  private var value: Result<T, any Error>?
  func set(_ r: Result<T, any Error>) { value = r }
  func get() throws -> T { try value!.get() }
}
