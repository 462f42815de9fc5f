import NIOCore
import NIOPosix

/// What a broker's listener should do.
public enum ListenerTarget: Sendable, Equatable {
    /// Listen on the broker's port (the one it bound first, which Metadata advertises).
    case open
    /// Refuse connections and close the open ones. `graceful`: each first answers the
    /// request it is handling (a controlled shutdown); otherwise they close at once (a kill).
    case closed(graceful: Bool)
}

extension KafkaServer {
    /// How often a listener that can't bind its port again is retried, and how long apart
    /// (doubling): about 3 s in all, then the broker is left running without a listener.
    static let rebindAttempts = 5
    static let firstRebindDelay = Duration.milliseconds(200)

    /// Moves broker `brokerId`'s listener to `target`, in the background: closing stops the
    /// server channel and closes the broker's connections; opening binds the same host and
    /// port again. Changes for one broker apply in order and the latest wins, so a stop and
    /// a start in quick succession end listening. Does nothing before `bind()`, after
    /// shutdown, or for a broker the server has no listener for (returns false).
    @discardableResult
    public func setListener(_ brokerId: Int32, _ target: ListenerTarget) -> Bool {
        state.withLockedValue { state in
            guard state.listenersCanChange, state.advertised[brokerId] != nil else { return false }
            state.targets[brokerId] = target
            state.targetChanges[brokerId, default: 0] += 1
            state.gaveUp.remove(brokerId)
            if state.followers[brokerId] == nil {
                state.followers[brokerId] = Task { await self.followTarget(brokerId) }
            }
            return true
        }
    }

    /// Whether broker `brokerId`'s listener is open now.
    public func isListening(_ brokerId: Int32) -> Bool {
        state.withLockedValue { $0.listeners[brokerId] != nil }
    }

    /// Waits until every listener change asked for so far has been made (or given up).
    public func listenerChangesSettled() async {
        while let follower = state.withLockedValue({ $0.followers.values.first }) {
            await follower.value
        }
    }

    private enum ListenerStep {
        /// `change`: which `setListener` call asked for it, so a new one restarts the retries.
        case bind(port: Int, group: MultiThreadedEventLoopGroup, change: UInt64)
        case close(any Channel, graceful: Bool)
        case done
    }

    /// The loop of one broker's follower task: one step at a time until the listener is
    /// where its target says, the server shuts down, or rebinding fails for good. The step
    /// is chosen and the follower retired under the lock `setListener` takes, so no target
    /// is missed.
    private func followTarget(_ brokerId: Int32) async {
        var failures = 0
        var failingChange: UInt64?
        while true {
            switch nextStep(brokerId) {
            case .done:
                return
            case .close(let listener, let graceful):
                connections.refuse(brokerId: brokerId)
                try? await listener.close()
                connections.close(brokerId: brokerId, graceful: graceful, drainTimeout: configuration.drainTimeout)
                logger.info("Broker \(brokerId) stopped: closed its listener on \(address(brokerId))")
            case .bind(let port, let group, let change):
                guard let failure = await rebind(brokerId, port: port, group: group) else {
                    failures = 0
                    continue
                }
                failures = change == failingChange ? failures + 1 : 1
                failingChange = change
                guard failures < Self.rebindAttempts else {
                    logger.error("Broker \(brokerId) is running but unreachable: \(failure), after \(failures) attempts; stop and start it to try again")
                    // Unless a start or stop came meanwhile: then the next step follows it.
                    state.withLockedValue { state in
                        if state.targetChanges[brokerId] == change { state.gaveUp.insert(brokerId) }
                    }
                    continue
                }
                logger.error("Broker \(brokerId) started but its listener did not: \(failure); retrying")
                // Cancelled at shutdown: the next step sees it and ends.
                try? await Task.sleep(for: Self.firstRebindDelay * (1 << (failures - 1)))
            }
        }
    }

    private func nextStep(_ brokerId: Int32) -> ListenerStep {
        state.withLockedValue { state in
            if state.listenersCanChange, let target = state.targets[brokerId], let group = state.group {
                switch (target, state.listeners[brokerId]) {
                case (.open, nil) where !state.gaveUp.contains(brokerId):
                    if let port = state.advertised[brokerId]?.port {
                        return .bind(port: port, group: group, change: state.targetChanges[brokerId, default: 0])
                    }
                case (.closed(let graceful), let listener?):
                    state.listeners[brokerId] = nil
                    return .close(listener, graceful: graceful)
                default:
                    break
                }
            }
            state.followers[brokerId] = nil
            return .done
        }
    }

    /// Binds broker `brokerId`'s port again; returns why it can't.
    private func rebind(_ brokerId: Int32, port: Int, group: MultiThreadedEventLoopGroup) async -> KafkaServerError? {
        connections.accept(brokerId: brokerId)
        let listener: any Channel
        do {
            listener = try await bootstrap(group: group, brokerId: brokerId)
                .bind(host: configuration.listenAddress, port: port).get()
        } catch {
            return KafkaServerError.cannotListen(host: configuration.listenAddress, port: port, error: error)
        }
        let serving = state.withLockedValue { state -> Bool? in
            guard state.listenersCanChange else { return nil }
            state.listeners[brokerId] = listener
            return state.phase == .serving
        }
        switch serving {
        case nil:  // Shut down while binding.
            try? await listener.close()
        case true?:
            // Before serving, start(dispatcher:) turns accepting on.
            try? await listener.setOption(ChannelOptions.autoRead, value: true).get()
            logger.info("Broker \(brokerId) started: listening again on \(address(brokerId))")
        case false?:
            break
        }
        return nil
    }

    /// `host:port` of broker `brokerId`'s listener, for log lines.
    private func address(_ brokerId: Int32) -> String {
        let host = configuration.listenAddress
        let port = advertisedListeners[brokerId]?.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
