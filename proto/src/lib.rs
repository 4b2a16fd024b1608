//! Protobuf types of Veritas' own modules, generated at build time from the `.proto`
//! files under `proto/veritas/`. Cosmos SDK and IBC types come from `cosmos-sdk-proto`
//! and `ibc-proto` instead.

/// `veritas.zkverify.v1`: Groth16 verification messages and queries.
pub mod zkverify {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/veritas.zkverify.v1.rs"));

        /// Type URL of [`MsgRegisterVerifyingKey`] in a transaction.
        pub const MSG_REGISTER_VERIFYING_KEY: &str = "/veritas.zkverify.v1.MsgRegisterVerifyingKey";
        /// Type URL of [`MsgVerifyProof`] in a transaction.
        pub const MSG_VERIFY_PROOF: &str = "/veritas.zkverify.v1.MsgVerifyProof";
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::zkverify::v1::*;

    #[test]
    fn generated_types_round_trip() {
        let msg = MsgVerifyProof {
            submitter: "veritas1xyz".into(),
            vk_id: "ab".repeat(32),
            proof: vec![1, 2, 3],
            public_inputs: vec![vec![7; 32]],
            ..Default::default()
        };
        let decoded = MsgVerifyProof::decode(msg.encode_to_vec().as_slice()).unwrap();
        assert_eq!(decoded, msg);
        assert!(MSG_VERIFY_PROOF.ends_with("MsgVerifyProof"));
    }
}
