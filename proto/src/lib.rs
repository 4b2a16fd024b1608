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
        /// Type URL of [`MsgUpdateParams`] in a transaction.
        pub const MSG_UPDATE_PARAMS: &str = "/veritas.zkverify.v1.MsgUpdateParams";
    }
}

/// `veritas.authority.v1`: the chain's authority and its hand-over.
pub mod authority {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/veritas.authority.v1.rs"));

        /// Type URL of [`MsgUpdateAuthority`] in a transaction.
        pub const MSG_UPDATE_AUTHORITY: &str = "/veritas.authority.v1.MsgUpdateAuthority";
        /// gRPC path of the authority query.
        pub const QUERY_AUTHORITY: &str = "/veritas.authority.v1.Query/Authority";
    }
}

/// `veritas.poa.v1`: the proof-of-authority validator set.
pub mod poa {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/veritas.poa.v1.rs"));

        /// Type URL of [`MsgSetValidator`] in a transaction.
        pub const MSG_SET_VALIDATOR: &str = "/veritas.poa.v1.MsgSetValidator";
        /// Type URL of [`MsgRemoveValidator`] in a transaction.
        pub const MSG_REMOVE_VALIDATOR: &str = "/veritas.poa.v1.MsgRemoveValidator";
        /// gRPC paths of the poa queries.
        pub const QUERY_VALIDATORS: &str = "/veritas.poa.v1.Query/Validators";
        pub const QUERY_VALIDATOR: &str = "/veritas.poa.v1.Query/Validator";
        pub const QUERY_TOTAL_POWER: &str = "/veritas.poa.v1.Query/TotalPower";
    }
}

/// `veritas.ibc.v1`: Veritas' own ibc records (params and their update).
pub mod ibc {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/veritas.ibc.v1.rs"));

        /// Type URL of [`MsgUpdateParams`] in a transaction.
        pub const MSG_UPDATE_PARAMS: &str = "/veritas.ibc.v1.MsgUpdateParams";
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
