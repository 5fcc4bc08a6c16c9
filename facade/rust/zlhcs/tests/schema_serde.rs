//! The schema types as documents: built in Rust they write the exact JSON HCS expects; read
//! from HCS they keep what this schema does not know; a value of the wrong type is an error.
use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};
use zlhcs::schema::{
    self, AttachmentType, ComputeSystem, Container, ContainerMemory, ContainerProcessor, GuestOs, Layer,
    MappedDirectory, Networking, ProcessorStats, SchemaEnum, SchemaType, State, Statistics, Storage, Version,
};

fn value_of(json: &str) -> Value {
    serde_json::from_str(json).expect("test JSON")
}

/// A process-isolated Windows container as hcsshim writes one (internal/hcsoci/hcsdoc_wcow.go).
fn container_document() -> ComputeSystem {
    ComputeSystem {
        owner: Some("zlhcs-test".to_string()),
        schema_version: Some(Version { major: Some(2), minor: Some(1), ..Default::default() }),
        container: Some(Container {
            guest_os: Some(GuestOs { host_name: Some("web-1".to_string()), ..Default::default() }),
            storage: Some(Storage {
                layers: Some(vec![Layer {
                    id: Some("8a2f1c3e-0b4d-4e5f-9a6b-7c8d9e0f1a2b".to_string()),
                    path: Some(r"C:\ProgramData\layers\base".to_string()),
                    ..Default::default()
                }]),
                path: Some(r"\\?\Volume{5f2a0e4c-1b3d-4c5e-8f6a-7b8c9d0e1f2a}\".to_string()),
                ..Default::default()
            }),
            mapped_directories: Some(vec![MappedDirectory {
                host_path: Some(r"C:\data".to_string()),
                container_path: Some(r"C:\app\data".to_string()),
                read_only: Some(true),
                ..Default::default()
            }]),
            memory: Some(ContainerMemory { size_in_mb: Some(1024), ..Default::default() }),
            processor: Some(ContainerProcessor { count: Some(2), maximum: Some(5000), ..Default::default() }),
            networking: Some(Networking {
                namespace: Some("c4b1d3a2-9e8f-4a7b-8c6d-5e4f3a2b1c0d".to_string()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        should_terminate_on_last_handle_closed: Some(true),
        ..Default::default()
    }
}

const CONTAINER_JSON: &str = concat!(
    r#"{"Owner":"zlhcs-test","SchemaVersion":{"Major":2,"Minor":1},"Container":{"GuestOs":{"HostName":"web-1"},"#,
    r#""Storage":{"Layers":[{"Id":"8a2f1c3e-0b4d-4e5f-9a6b-7c8d9e0f1a2b","Path":"C:\\ProgramData\\layers\\base"}],"#,
    r#""Path":"\\\\?\\Volume{5f2a0e4c-1b3d-4c5e-8f6a-7b8c9d0e1f2a}\\"},"#,
    r#""MappedDirectories":[{"HostPath":"C:\\data","ContainerPath":"C:\\app\\data","ReadOnly":true}],"#,
    r#""Memory":{"SizeInMB":1024},"Processor":{"Count":2,"Maximum":5000},"#,
    r#""Networking":{"Namespace":"c4b1d3a2-9e8f-4a7b-8c6d-5e4f3a2b1c0d"}},"#,
    r#""ShouldTerminateOnLastHandleClosed":true}"#
);

#[test]
fn a_document_built_in_rust_writes_the_exact_wire_json() {
    let document = container_document();
    let written = schema::to_json(&document).unwrap();
    assert_eq!(written, CONTAINER_JSON);
    assert!(!written.contains("null"));
    let read: ComputeSystem = schema::from_json(&written).unwrap();
    assert_eq!(read, document);
    // Nothing set, nothing written.
    assert_eq!(schema::to_json(&ComputeSystem::default()).unwrap(), "{}");
    assert_eq!(
        schema::to_json(&Container { memory: Some(ContainerMemory::default()), ..Default::default() }).unwrap(),
        r#"{"Memory":{}}"#
    );
}

#[test]
fn null_reads_as_not_set() {
    let read: ComputeSystem = schema::from_json(r#"{"Owner":null,"Container":{"Processor":null}}"#).unwrap();
    assert_eq!(read.owner, None);
    assert_eq!(read.container, Some(Container::default()));
    assert_eq!(schema::to_json(&read).unwrap(), r#"{"Container":{}}"#);
}

#[test]
fn unknown_fields_and_values_survive_at_every_depth() {
    let input = json!({
        "Owner": "zlhcs-test",
        "FutureTopLevel": {"Nested": [1, "two", null, {"Deep": -7}], "Big": 18446744073709551615u64},
        "SchemaVersion": {"Major": 2, "Minor": 9, "Patch": 1},
        "VirtualMachine": {
            "ComputeTopology": {
                "Memory": {"SizeInMB": 2048, "Backing": "FutureBacking", "FutureMemoryField": true},
                "Processor": {"Count": 4, "FutureProcessorField": "x"}
            },
            "Devices": {
                "Scsi": {
                    "primary": {
                        "Attachments": {
                            "0": {"Type": "VirtualDisk", "Path": "C:\\os.vhdx", "FutureAttachmentField": [1]},
                            "1": {"Type": "FutureDiskType", "Path": "C:\\other.img"}
                        },
                        "FutureScsiField": {}
                    }
                },
                "FutureDevice": {"Enabled": true}
            },
            "FutureVmField": null
        }
    });
    let document: ComputeSystem = schema::from_json(&input.to_string()).unwrap();

    // The known fields are typed, the unknown ones kept where they were.
    assert_eq!(document.unknown_fields().keys().collect::<Vec<_>>(), vec!["FutureTopLevel"]);
    assert_eq!(document.schema_version.as_ref().unwrap().minor, Some(9));
    assert_eq!(document.schema_version.as_ref().unwrap().unknown_fields["Patch"], json!(1));
    let vm = document.virtual_machine.as_ref().unwrap();
    assert_eq!(vm.unknown_fields["FutureVmField"], Value::Null);
    let topology = vm.compute_topology.as_ref().unwrap();
    let memory = topology.memory.as_ref().unwrap();
    assert_eq!(memory.size_in_mb, Some(2048));
    assert_eq!(memory.backing, Some(schema::MemoryBackingType::Unrecognized("FutureBacking".to_string())));
    assert_eq!(memory.unknown_fields["FutureMemoryField"], json!(true));
    let scsi = &vm.devices.as_ref().unwrap().scsi.as_ref().unwrap()["primary"];
    let attachments: &BTreeMap<u32, schema::Attachment> = scsi.attachments.as_ref().unwrap();
    assert_eq!(attachments[&0].type_, Some(AttachmentType::VirtualDisk));
    assert_eq!(attachments[&0].unknown_fields["FutureAttachmentField"], json!([1]));
    let future = attachments[&1].type_.as_ref().unwrap();
    assert_eq!(future, &AttachmentType::Unrecognized("FutureDiskType".to_string()));
    assert!(!future.is_known());
    assert_eq!(future.as_str(), "FutureDiskType");

    // Written back: the same document, text included.
    let text = schema::to_json(&document).unwrap();
    assert_eq!(value_of(&text), input);
    assert_eq!(schema::from_json::<ComputeSystem>(&text).unwrap(), document);
}

#[test]
fn a_repeated_name_keeps_the_last_value_as_the_cpp_reader_does() {
    let read: ContainerProcessor =
        schema::from_json(r#"{"Count":1,"Future":"a","Count":2,"Future":"b","Weight":null}"#).unwrap();
    assert_eq!(read.count, Some(2));
    assert_eq!(read.weight, None);
    assert_eq!(read.unknown_fields["Future"], json!("b"));
    assert_eq!(schema::to_json(&read).unwrap(), r#"{"Count":2,"Future":"b"}"#);
}

#[test]
fn member_names_read_escaped_and_from_a_reader() {
    // "\u0065" is "e": the name is "Owner" once unescaped (the deserializer cannot lend it).
    let escaped: ComputeSystem = schema::from_json(r#"{"Own\u0065r":"x","Futur\u0065":1}"#).unwrap();
    assert_eq!(escaped.owner.as_deref(), Some("x"));
    assert_eq!(escaped.unknown_fields["Future"], json!(1));
    // Through serde_json's other deserializers and serializer (a small type: each instantiates
    // the serde code of the types below it again, for the compiler).
    let text = r#"{"Count":2,"Future":{"A":[1]},"Weight":-1}"#;
    let expected: ContainerProcessor = schema::from_json(text).unwrap();
    let from_reader: ContainerProcessor = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(from_reader, expected);
    let from_value: ContainerProcessor = serde_json::from_value(value_of(text)).unwrap();
    assert_eq!(from_value, expected);
    assert_eq!(serde_json::to_value(&expected).unwrap(), value_of(text));
}

#[test]
fn unknown_fields_can_be_set() {
    let mut processor = ContainerProcessor { count: Some(1), ..Default::default() };
    processor.unknown_fields.insert("FutureLimit".to_string(), json!(7));
    assert_eq!(schema::to_json(&processor).unwrap(), r#"{"Count":1,"FutureLimit":7}"#);
    processor.unknown_fields_mut().clear();
    assert_eq!(schema::to_json(&processor).unwrap(), r#"{"Count":1}"#);
}

#[test]
fn a_value_of_the_wrong_type_is_an_error() {
    let error = schema::from_json::<ComputeSystem>(r#"{"Container":{"Processor":{"Count":"two"}}}"#).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("\"two\"") && message.contains("u32"), "{}", message);
    assert!(error.is_data());
    let error = schema::from_json::<ComputeSystem>(r#"{"Container":{"Processor":[1]}}"#).unwrap_err();
    assert!(error.to_string().contains("a Container_Processor object"), "{}", error);
    for wrong in [
        r#"{"Container":{"Processor":{"Count":-1}}}"#, // negative for uint32
        r#"{"Container":{"Processor":{"Count":4294967296}}}"#, // too big for uint32
        r#"{"Container":{"Processor":{"Count":1.5}}}"#, // not an integer
        r#"{"Container":{"Processor":{"Count":true}}}"#,
        r#"{"Container":{"Processor":[]}}"#,         // an array for a struct
        r#"{"Container":{"MappedDirectories":{}}}"#, // an object for an array
        r#"{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"x":{}}}}}}}"#, // key not a uint32
        r#"{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":7}}}}}}}"#, // enum not a string
        r#"{"Owner":{}}"#,
        r#"[]"#,
    ] {
        assert!(schema::from_json::<ComputeSystem>(wrong).is_err(), "{}", wrong);
    }
    // Integers at their limits read.
    let limits: Statistics = schema::from_json(r#"{"Uptime100ns":18446744073709551615}"#).unwrap();
    assert_eq!(limits.uptime100ns, Some(u64::MAX));
    let weight: ContainerProcessor = schema::from_json(r#"{"Weight":-9223372036854775808}"#).unwrap();
    assert_eq!(weight.weight, Some(i64::MIN));
}

#[test]
fn statistics_as_hcs_sends_them_parse() {
    let statistics: Statistics = schema::from_json(
        r#"{"Timestamp":"2024-05-01T12:00:10.0000000Z","ContainerStartTime":"2024-05-01T12:00:00.0000000Z","Uptime100ns":100000000,"Processor":{"TotalRuntime100ns":50000000,"RuntimeUser100ns":30000000,"RuntimeKernel100ns":20000000},"Memory":{"MemoryUsageCommitBytes":1048576,"MemoryUsageCommitPeakBytes":2097152,"MemoryUsagePrivateWorkingSetBytes":524288},"Storage":{"ReadCountNormalized":10,"ReadSizeBytes":4096,"WriteCountNormalized":5,"WriteSizeBytes":2048}}"#,
    )
    .unwrap();
    assert_eq!(statistics.timestamp.as_deref(), Some("2024-05-01T12:00:10.0000000Z"));
    assert_eq!(statistics.container_start_time.as_deref(), Some("2024-05-01T12:00:00.0000000Z"));
    assert_eq!(statistics.uptime100ns, Some(100000000));
    assert_eq!(
        statistics.processor,
        Some(ProcessorStats {
            total_runtime100ns: Some(50000000),
            runtime_user100ns: Some(30000000),
            runtime_kernel100ns: Some(20000000),
            ..Default::default()
        })
    );
    let memory = statistics.memory.as_ref().unwrap();
    assert_eq!(memory.memory_usage_commit_bytes, Some(1048576));
    assert_eq!(memory.memory_usage_commit_peak_bytes, Some(2097152));
    assert_eq!(memory.memory_usage_private_working_set_bytes, Some(524288));
    let storage = statistics.storage.as_ref().unwrap();
    assert_eq!(storage.read_count_normalized, Some(10));
    assert_eq!(storage.read_size_bytes, Some(4096));
    assert_eq!(storage.write_count_normalized, Some(5));
    assert_eq!(storage.write_size_bytes, Some(2048));
    assert!(statistics.unknown_fields.is_empty());
    // Inside the Properties answer of the Statistics query.
    let properties: schema::Properties = schema::from_json(
        r#"{"Id":"c1","SystemType":"Container","State":"Running","Statistics":{"Uptime100ns":5},"FutureProperty":1}"#,
    )
    .unwrap();
    assert_eq!(properties.state, Some(State::Running));
    assert_eq!(properties.system_type, Some(schema::SystemType::Container));
    assert_eq!(properties.statistics.unwrap().uptime100ns, Some(5));
}

#[test]
fn open_enums_compare_and_convert_by_wire_value() {
    // "Unknown" is a value of the schema's State, not a value the schema does not know.
    assert_eq!(State::from("Unknown"), State::Unknown);
    assert!(State::Unknown.is_known());
    assert_eq!(State::Unknown.since(), Some("2.1"));
    // Exact and case-sensitive.
    assert_eq!(State::from("running"), State::Unrecognized("running".to_string()));
    assert_ne!(State::from("running"), State::Running);
    // Equality and hashing go by the wire value: an Unrecognized spelling of a known value is it.
    assert_eq!(State::Unrecognized("Running".to_string()), State::Running);
    assert!(State::Unrecognized("Running".to_string()).is_known());
    let set: HashSet<State> = [State::Running, State::Unrecognized("Running".to_string())].into_iter().collect();
    assert_eq!(set.len(), 1);
    // Conversions.
    assert_eq!("Paused".parse::<State>().unwrap(), State::Paused);
    assert_eq!(State::from("Paused".to_string()), State::Paused);
    assert_eq!(State::from_wire("Later"), State::Unrecognized("Later".to_string()));
    assert_eq!(State::Paused.to_string(), "Paused");
    assert_eq!(format!("{}", State::Unrecognized("Later".to_string())), "Later");
    assert_eq!(State::known("Stopped"), Some(State::Stopped));
    assert_eq!(State::known("Later"), None);
    assert_eq!(schema::to_json(&State::Unrecognized("Later".to_string())).unwrap(), r#""Later""#);
    // Values that are not Rust identifiers as they stand.
    assert_eq!(schema::ProcessorFeature::from("Sse4_1"), schema::ProcessorFeature::Sse4_1);
    assert_eq!(schema::XsaveProcessorFeature::XsaveOpt.as_str(), "Xsave_Opt");
    assert_eq!(schema::FilesystemIsolationMode::Hard.as_str(), "hard");
    assert_eq!(schema::ObjectDirectoryShadow::from("false"), schema::ObjectDirectoryShadow::False);
    // The trait's constants.
    assert_eq!(State::NAME, "State");
    assert_eq!(AttachmentType::VALUES, &["VirtualDisk", "Iso", "PassThru"]);
    assert_eq!(schema::SystemPropertyType::NAME, "System_PropertyType");
}

#[test]
fn schema_types_name_themselves() {
    assert_eq!(Statistics::NAME, "Statistics");
    assert_eq!(Statistics::SINCE, "2.1");
    assert_eq!(ComputeSystem::NAME, "ComputeSystem");
    assert_eq!(ComputeSystem::SINCE, "2.0");
    assert_eq!(ContainerProcessor::NAME, "Container_Processor");
    assert_eq!(schema::LATEST_SCHEMA_VERSION, "2.6");
    fn name_of<T: SchemaType>(_: &T) -> &'static str {
        T::NAME
    }
    assert_eq!(name_of(&container_document()), "ComputeSystem");
}
