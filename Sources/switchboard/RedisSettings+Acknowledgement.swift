import Redis
import Workflow

extension RedisSettings {
    /// What `min_replicas_ack` and `replica_ack_timeout` ask of routing writes; nil for none.
    var replicaAcknowledgement: ReplicaAcknowledgement? {
        ReplicaAcknowledgement(replicas: minReplicasAck, timeout: replicaAckTimeout)
    }
}
