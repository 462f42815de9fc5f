extension ApiRegistry {
    /// Every API Wharf serves. Transactions' APIs are not here, so they are not advertised.
    public static var standard: ApiRegistry {
        var registry = ApiRegistry()
        registerStandardHandlers(&registry)
        // ApiVersions lists the registry it belongs to.
        let snapshot = registry
        registry.register(ApiVersionsHandler(registry: { snapshot }))
        return registry
    }
}

/// Kept apart from `standard` so each handler group adds one line here.
func registerStandardHandlers(_ registry: inout ApiRegistry) {
    // Metadata and the data path.
    registry.register(MetadataHandler())
    registry.register(ProduceHandler())
    registry.register(FetchHandler())
    registry.register(ListOffsetsHandler())
    registry.register(OffsetForLeaderEpochHandler())
    registry.register(InitProducerIdHandler())
    // Admin: topics, partitions, configs, records, cluster and log directories.
    registry.register(CreateTopicsHandler())
    registry.register(DeleteTopicsHandler())
    registry.register(CreatePartitionsHandler())
    registry.register(DescribeConfigsHandler())
    registry.register(AlterConfigsHandler())
    registry.register(IncrementalAlterConfigsHandler())
    registry.register(DeleteRecordsHandler())
    registry.register(DescribeClusterHandler())
    registry.register(DescribeLogDirsHandler())
    registry.register(FindCoordinatorHandler())
    registry.register(JoinGroupHandler())
    registry.register(SyncGroupHandler())
    registry.register(HeartbeatHandler())
    registry.register(LeaveGroupHandler())
    registry.register(OffsetCommitHandler())
    registry.register(OffsetFetchHandler())
    registry.register(ListGroupsHandler())
    registry.register(DescribeGroupsHandler())
    registry.register(DeleteGroupsHandler())
    registry.register(OffsetDeleteHandler())
}
