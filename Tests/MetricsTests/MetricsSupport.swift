import Logging

let quietLogger: Logger = {
    var logger = Logger(label: "metrics-tests")
    logger.logLevel = .warning
    return logger
}()
