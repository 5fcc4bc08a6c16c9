// zlhcs C++ facade - builders for the HCS documents runtimes write most.
//
//     namespace schema = zlhcs::schema;
//     schema::ComputeSystem argon = zlhcs::container_builder()
//         .owner("my-runtime")
//         .layer("6ba9cac1-7086-5ee9-a197-c465d3f50ad7", R"(C:\layers\base)")
//         .scratch(R"(\\?\Volume{baac0fd5-16b7-405b-9621-112aa8e3d973}\)")
//         .mapped_directory(R"(C:\data)", R"(C:\data)", /*read_only=*/true)
//         .network_namespace("4a2e0a1b-6c3f-4f0e-9b1e-2d3c4b5a6f70")
//         .processor_count(2)
//         .memory_mb(2048)
//         .build();
//     auto system = zlhcs::compute_system::create(id, argon);          // <zlhcs/typed.hpp>
//
//     schema::ComputeSystem uvm = zlhcs::utility_vm_builder()
//         .owner("my-runtime").memory_mb(1024).processor_count(2)
//         .linux_kernel_direct(R"(C:\boot\vmlinux)", R"(C:\boot\initrd.img)", "console=ttyS0")
//         .scsi_disk("0", 0, R"(C:\vm\scratch.vhdx)")
//         .build();
//
//     auto stats = system.properties<schema::Properties>(zlhcs::property_query::statistics());
//     auto child = zlhcs::process::create(system, zlhcs::process_parameters_builder()
//         .args({"cmd", "/c", "echo", "hello world"}).stdout_pipe().build());
//
// What they build, and the model
//   container_builder         a process-isolated Windows container ("Argon"): Owner,
//                             SchemaVersion, Container {GuestOs, Storage {Layers, Path, QoS},
//                             MappedDirectories, MappedPipes, Memory, Processor, Networking},
//                             ShouldTerminateOnLastHandleClosed; with hosted_by(uvm id) a Hyper-V
//                             isolated one ("Xenon"): HostingSystemId and HostedSystem
//                             {SchemaVersion, Container} instead of Container.
//   utility_vm_builder        a utility VM: VirtualMachine {StopOnReset, Chipset (Linux kernel
//                             direct boot, or UEFI: a Windows UVM boots bootmgfw.efi from its
//                             "os" VSMB share), ComputeTopology {Memory, Processor}, Devices
//                             {Scsi, VirtualSmb, Plan9, NetworkAdapters, ComPorts, HvSocket},
//                             GuestConnection}.
//   property_query::*         System_PropertyQuery documents: statistics(), memory(),
//                             process_list(), ..., of(types...).
//   process_parameters_builder  ProcessParameters: CommandLine (or CommandArgs), working
//                             directory, environment, user, stdio pipes, console.
//   The documents follow what hcsshim sends (internal/hcsoci/hcsdoc_wcow.go,
//   internal/hcsoci/create.go, internal/uvm/create_wcow.go, create_lcow.go, internal/cmd/cmd.go)
//   with the field names and versions of the schema reference (src/schema/data/schema-v2.json).
//   Where hcsshim adds a default a builder does too, and says so (StopOnReset,
//   ShouldTerminateOnLastHandleClosed, the read-only VSMB options); nothing else is set that
//   the caller did not ask for.
//
// Schema versions
//   build() sets SchemaVersion (also HostedSystem's) to the lowest version that has every field
//   and enum value the document uses (minimum_schema_version()), and at least 2.1: the version
//   hcsshim sends and the first of Windows Server 2019 / Windows 10 1809 (2.0 is the 1809 SDK's
//   first draft, which no runtime targets). So a Linux UVM, which boots with
//   Chipset.LinuxKernelDirect (since 2.2), says 2.2. schema_version(major, minor) sets it
//   explicitly instead: the builder then writes what it is told, even if the document uses
//   newer fields (validation reports them).
//
// Semantics: each builder is a value (copyable, movable, comparable through build()); setters
// return *this for chaining; setters of single values replace, setters of collection entries
// (layer(), mapped_directory(), scsi_disk(), ...) add, in call order (map entries replace the
// entry of the same key). build() is const and may be called any number of times; the result
// is a plain schema struct, to adjust further before sending. Nothing here calls zlhcs or
// throws, except std::bad_alloc. Needs <zlhcs/schema.hpp> (RapidJSON): HostedSystem is an `Any`
// in the schema, written as JSON text; included by <zlhcs/zlhcs.hpp>.
#pragma once

#include <zlhcs/schema.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace zlhcs {

namespace detail {

/// Minor 1 at least: see "Schema versions" at the top of this file.
inline constexpr schema::schema_version builder_floor_version{2, 1};

inline schema::Version version_document(schema::schema_version version) {
    schema::Version document;
    document.Major = version.major;
    document.Minor = version.minor;
    return document;
}

template <class T>
T& ensure(std::optional<T>& slot) {
    if (!slot) slot.emplace();
    return *slot;
}

}  // namespace detail

/// The lowest schema version that has every field and every known enum value `document` sets,
/// by the "since" of each in the schema reference (2.0 if it sets nothing newer). Values of
/// type Any (e.g. ComputeSystem.HostedSystem, ModifySettingRequest.Settings) and unknown fields
/// are not looked into. Works for any schema type.
/// schema::minimum_version() (compiled once, see <zlhcs/schema.hpp>).
template <class T>
[[nodiscard]] schema::schema_version minimum_schema_version(const T& document) {
    return schema::minimum_version(document);
}

// ---- containers ---------------------------------------------------------------------------------

/// A Windows container's ComputeSystem document: process-isolated, or Hyper-V isolated with
/// hosted_by(). See the top of this file.
class container_builder {
public:
    /// ComputeSystem.Owner: who owns the system (hcsshim: its executable's name); enumerate
    /// filters on it (system_filter::owner()).
    container_builder& owner(std::string value) {
        owner_ = std::move(value);
        return *this;
    }
    /// SchemaVersion, set explicitly (see "Schema versions" above).
    container_builder& schema_version(std::uint32_t major, std::uint32_t minor) {
        version_ = schema::schema_version{major, minor};
        return *this;
    }
    /// Container.GuestOs.HostName.
    container_builder& hostname(std::string value) {
        detail::ensure(container_.GuestOs).HostName = std::move(value);
        return *this;
    }
    /// Adds a read-only image layer (Storage.Layers: Id, a GUID, and the folder it is in),
    /// topmost first as HCS and hcsshim list them.
    container_builder& layer(std::string id, std::string path) {
        schema::Layer entry;
        entry.Id = std::move(id);
        entry.Path = std::move(path);
        return layer(std::move(entry));
    }
    /// Adds a layer as given.
    container_builder& layer(schema::Layer entry) {
        detail::ensure(detail::ensure(container_.Storage).Layers).push_back(std::move(entry));
        return *this;
    }
    /// Storage.Path: the container's scratch volume, where its layers are mounted
    /// (\\?\Volume{...}\ for a process-isolated container; a path inside the utility VM for a
    /// hosted one).
    container_builder& scratch(std::string volume_path) {
        detail::ensure(container_.Storage).Path = std::move(volume_path);
        return *this;
    }
    /// Storage.QoS: IopsMaximum and BandwidthMaximum (bytes per second); 0 leaves one unset.
    container_builder& storage_qos(std::uint64_t iops_maximum, std::uint64_t bandwidth_maximum) {
        schema::StorageQoS& qos = detail::ensure(detail::ensure(container_.Storage).QoS);
        if (iops_maximum != 0) qos.IopsMaximum = iops_maximum;
        if (bandwidth_maximum != 0) qos.BandwidthMaximum = bandwidth_maximum;
        return *this;
    }
    /// Adds a host folder mapped into the container (MappedDirectories; ReadOnly written only
    /// when true).
    container_builder& mapped_directory(std::string host_path, std::string container_path, bool read_only = false) {
        schema::MappedDirectory entry;
        entry.HostPath = std::move(host_path);
        entry.ContainerPath = std::move(container_path);
        if (read_only) entry.ReadOnly = true;
        return mapped_directory(std::move(entry));
    }
    container_builder& mapped_directory(schema::MappedDirectory entry) {
        detail::ensure(container_.MappedDirectories).push_back(std::move(entry));
        return *this;
    }
    /// Adds a host named pipe mapped into the container (MappedPipes: ContainerPipeName, the
    /// pipe's name inside, e.g. "docker_engine"; HostPath, the host's pipe, e.g.
    /// \\.\pipe\docker_engine).
    container_builder& mapped_pipe(std::string container_pipe_name, std::string host_path) {
        schema::MappedPipe entry;
        entry.ContainerPipeName = std::move(container_pipe_name);
        entry.HostPath = std::move(host_path);
        detail::ensure(container_.MappedPipes).push_back(std::move(entry));
        return *this;
    }
    /// Networking.Namespace: the HNS network namespace (a GUID) the container joins.
    container_builder& network_namespace(std::string id) {
        detail::ensure(container_.Networking).Namespace = std::move(id);
        return *this;
    }
    /// Processor.Count: the processors the container may use.
    container_builder& processor_count(std::uint32_t count) {
        detail::ensure(container_.Processor).Count = count;
        return *this;
    }
    /// Processor.Maximum: the share of the processors' cycles it may use, in hundredths of a
    /// percent (1 .. 10000).
    container_builder& processor_limit(std::int64_t maximum) {
        detail::ensure(container_.Processor).Maximum = maximum;
        return *this;
    }
    /// Processor.Weight: its relative weight against other containers (1 .. 10000).
    container_builder& processor_weight(std::int64_t weight) {
        detail::ensure(container_.Processor).Weight = weight;
        return *this;
    }
    /// Memory.SizeInMB: its memory limit (since 2.1).
    container_builder& memory_mb(std::uint64_t size) {
        detail::ensure(container_.Memory).SizeInMB = size;
        return *this;
    }
    /// ShouldTerminateOnLastHandleClosed, written true by default (as hcsshim does: the system
    /// does not outlive its last handle); false writes false.
    container_builder& terminate_on_last_handle_closed(bool value = true) {
        terminate_on_last_handle_closed_ = value;
        return *this;
    }
    /// Makes it a Hyper-V isolated container hosted in the utility VM `hosting_system_id`
    /// (created first): build() then writes HostingSystemId and HostedSystem {SchemaVersion,
    /// Container} instead of Container. Layer and scratch paths are then as the utility VM sees
    /// them (e.g. its VSMB shares). An empty id makes it process-isolated again.
    container_builder& hosted_by(std::string hosting_system_id) {
        hosting_system_id_ = std::move(hosting_system_id);
        return *this;
    }

    /// The Container document alone (what HostedSystem carries).
    [[nodiscard]] const schema::Container& container() const noexcept { return container_; }

    /// The ComputeSystem document (see the top of this file).
    [[nodiscard]] schema::ComputeSystem build() const {
        schema::ComputeSystem document;
        document.Owner = owner_;
        document.ShouldTerminateOnLastHandleClosed = terminate_on_last_handle_closed_;
        if (hosting_system_id_.empty()) {
            document.Container = container_;
        } else {
            schema::HostedSystem hosted;
            hosted.Container = container_;
            const schema::schema_version version = version_or_needed(hosted);
            hosted.SchemaVersion = detail::version_document(version);
            document.HostingSystemId = hosting_system_id_;
            document.HostedSystem = schema::parse_any(schema::to_json(hosted));
        }
        document.SchemaVersion = detail::version_document(version_or_needed(document));
        return document;
    }

private:
    template <class T>
    schema::schema_version version_or_needed(const T& document) const {
        if (version_) return *version_;
        schema::schema_version needed = detail::builder_floor_version;
        schema::detail::raise_version(needed, schema::minimum_version(document));
        if (!hosting_system_id_.empty()) schema::detail::raise_version(needed, schema::minimum_version(container_));  // inside the Any
        return needed;
    }

    std::optional<std::string> owner_;
    std::optional<schema::schema_version> version_;
    schema::Container container_;
    bool terminate_on_last_handle_closed_ = true;
    std::string hosting_system_id_;
};

// ---- utility VMs ------------------------------------------------------------------------------

/// A utility VM's ComputeSystem document (Windows or Linux guest). See the top of this file.
class utility_vm_builder {
public:
    /// The default port of Plan9 shares (hcsshim's vmutils.Plan9Port).
    static constexpr std::uint32_t plan9_default_port = 564;

    /// StopOnReset is written true by default (hcsshim: a utility VM that resets is done).
    utility_vm_builder() { vm_.StopOnReset = true; }

    /// ComputeSystem.Owner.
    utility_vm_builder& owner(std::string value) {
        owner_ = std::move(value);
        return *this;
    }
    /// SchemaVersion, set explicitly (see "Schema versions" above).
    utility_vm_builder& schema_version(std::uint32_t major, std::uint32_t minor) {
        version_ = schema::schema_version{major, minor};
        return *this;
    }
    /// ComputeTopology.Memory.SizeInMB.
    utility_vm_builder& memory_mb(std::uint64_t size) {
        memory().SizeInMB = size;
        return *this;
    }
    /// ComputeTopology.Memory.AllowOvercommit: memory backed by virtual (pageable) host memory
    /// rather than physical.
    utility_vm_builder& allow_overcommit(bool value = true) {
        memory().AllowOvercommit = value;
        return *this;
    }
    /// ComputeTopology.Processor.Count: virtual processors.
    utility_vm_builder& processor_count(std::uint32_t count) {
        processor().Count = count;
        return *this;
    }
    /// ComputeTopology.Processor.Limit: the share of its processors' cycles it may use, in
    /// hundredths of a percent (1 .. 100000 as Hyper-V counts it; hcsshim passes it through).
    utility_vm_builder& processor_limit(std::uint64_t limit) {
        processor().Limit = limit;
        return *this;
    }
    /// ComputeTopology.Processor.Weight: relative weight against other VMs.
    utility_vm_builder& processor_weight(std::uint64_t weight) {
        processor().Weight = weight;
        return *this;
    }
    /// A Linux guest booted directly from a kernel (Chipset.LinuxKernelDirect, since 2.2):
    /// KernelFilePath, InitRdPath (none if empty), KernelCmdLine (none if empty).
    utility_vm_builder& linux_kernel_direct(std::string kernel_path, std::string initrd_path = {},
                                            std::string command_line = {}) {
        schema::LinuxKernelDirect boot;
        boot.KernelFilePath = std::move(kernel_path);
        if (!initrd_path.empty()) boot.InitRdPath = std::move(initrd_path);
        if (!command_line.empty()) boot.KernelCmdLine = std::move(command_line);
        detail::ensure(vm_.Chipset).LinuxKernelDirect = std::move(boot);
        return *this;
    }
    /// A Windows guest as hcsshim boots one from a base image's UtilityVM files: a read-only
    /// VSMB share "os" of `os_files_path` (the read-only options plus TakeBackupPrivilege) and
    /// UEFI booting <boot_directory>\bootmgfw.efi from it (Chipset.Uefi.BootThis, VmbFs).
    /// The scratch disk goes on SCSI (scsi_disk()).
    utility_vm_builder& windows_boot(std::string os_files_path, std::string boot_directory = R"(\EFI\Microsoft\Boot)") {
        schema::VirtualSmbShare share = read_only_share("os", std::move(os_files_path));
        share.Options->TakeBackupPrivilege = true;
        vsmb_share(std::move(share));
        return uefi_boot(schema::UefiBootDevice::VmbFs, std::move(boot_directory) + R"(\bootmgfw.efi)");
    }
    /// UEFI boot from a device (Chipset.Uefi.BootThis): DeviceType, DevicePath (for ScsiDrive
    /// the SCSI controller's name), DiskNumber if given.
    utility_vm_builder& uefi_boot(schema::UefiBootDevice device, std::string device_path,
                                  std::optional<std::uint16_t> disk_number = std::nullopt) {
        schema::UefiBootEntry entry;
        entry.DeviceType = device;
        entry.DevicePath = std::move(device_path);
        entry.DiskNumber = disk_number;
        detail::ensure(detail::ensure(vm_.Chipset).Uefi).BootThis = std::move(entry);
        return *this;
    }
    /// A SCSI controller without disks (Devices.Scsi[name]; any name: hcsshim uses fixed GUIDs,
    /// Microsoft's samples "Primary disk"). Disks can be added later by modify().
    utility_vm_builder& scsi_controller(const std::string& name) {
        (void)scsi(name);
        return *this;
    }
    /// Adds a virtual disk (VHD/VHDX) at `lun` of SCSI controller `controller` (created if
    /// needed): Attachment {Type VirtualDisk, Path, ReadOnly written only when true}.
    utility_vm_builder& scsi_disk(const std::string& controller, std::uint32_t lun, std::string path,
                                  bool read_only = false) {
        schema::Attachment disk;
        disk.Type = schema::AttachmentType::VirtualDisk;
        disk.Path = std::move(path);
        if (read_only) disk.ReadOnly = true;
        return scsi_attachment(controller, lun, std::move(disk));
    }
    /// Adds an attachment as given (an Iso, a PassThru disk, caching options...).
    utility_vm_builder& scsi_attachment(const std::string& controller, std::uint32_t lun, schema::Attachment attachment) {
        detail::ensure(scsi(controller).Attachments)[lun] = std::move(attachment);
        return *this;
    }
    /// Adds a VSMB share (Devices.VirtualSmb.Shares) of a host folder: read-only by default,
    /// with the options hcsshim gives read-only shares (ReadOnly, ShareRead, CacheIo,
    /// PseudoOplocks); read_only false writes no Options.
    utility_vm_builder& vsmb_share(std::string name, std::string path, bool read_only = true) {
        if (read_only) return vsmb_share(read_only_share(std::move(name), std::move(path)));
        schema::VirtualSmbShare share;
        share.Name = std::move(name);
        share.Path = std::move(path);
        return vsmb_share(std::move(share));
    }
    utility_vm_builder& vsmb_share(schema::VirtualSmbShare share) {
        detail::ensure(detail::ensure(devices().VirtualSmb).Shares).push_back(std::move(share));
        return *this;
    }
    /// The Plan9 device without shares (Devices.Plan9 {}), as hcsshim gives every Linux UVM.
    utility_vm_builder& plan9() {
        (void)detail::ensure(devices().Plan9);
        return *this;
    }
    /// Adds a Plan9 share (Linux guests): Name and AccessName `name`, Path, Port.
    utility_vm_builder& plan9_share(std::string name, std::string path, std::uint32_t port = plan9_default_port) {
        schema::Plan9Share share;
        share.Name = name;
        share.AccessName = std::move(name);
        share.Path = std::move(path);
        share.Port = port;
        detail::ensure(detail::ensure(devices().Plan9).Shares).push_back(std::move(share));
        return *this;
    }
    /// Adds a network adapter for an HNS endpoint (Devices.NetworkAdapters[endpoint_id]:
    /// EndpointId, MacAddress if given), keyed by the endpoint id as hcsshim does.
    utility_vm_builder& network_adapter(const std::string& endpoint_id, std::string mac_address = {}) {
        schema::NetworkAdapter adapter;
        adapter.EndpointId = endpoint_id;
        if (!mac_address.empty()) adapter.MacAddress = std::move(mac_address);
        detail::ensure(devices().NetworkAdapters)[endpoint_id] = std::move(adapter);
        return *this;
    }
    /// A serial port connected to a host named pipe (Devices.ComPorts[port]: 0 is COM1, 1 is
    /// COM2), e.g. a guest console.
    utility_vm_builder& com_port(std::uint32_t port, std::string named_pipe) {
        schema::ComPort entry;
        entry.NamedPipe = std::move(named_pipe);
        detail::ensure(devices().ComPorts)[port] = std::move(entry);
        return *this;
    }
    /// Devices.HvSocket.HvSocketConfig.DefaultBindSecurityDescriptor (SDDL): who may bind
    /// Hyper-V sockets of the VM (hcsshim: "D:P(A;;FA;;;SY)(A;;FA;;;BA)", SYSTEM and
    /// administrators, for its guest agent).
    utility_vm_builder& hvsocket_bind_security_descriptor(std::string sddl) {
        detail::ensure(detail::ensure(devices().HvSocket).HvSocketConfig).DefaultBindSecurityDescriptor =
            std::move(sddl);
        return *this;
    }
    /// VirtualMachine.GuestConnection: HCS connects to the guest and the start waits for it
    /// (UseVsock, UseConnectedSuspend, UseHostTimeZone as given).
    utility_vm_builder& guest_connection(schema::GuestConnection connection = {}) {
        vm_.GuestConnection = std::move(connection);
        return *this;
    }
    /// VirtualMachine.StopOnReset (true by default, see the constructor).
    utility_vm_builder& stop_on_reset(bool value) {
        vm_.StopOnReset = value;
        return *this;
    }
    /// ShouldTerminateOnLastHandleClosed, true by default (as container_builder's).
    utility_vm_builder& terminate_on_last_handle_closed(bool value = true) {
        terminate_on_last_handle_closed_ = value;
        return *this;
    }

    /// The VirtualMachine document alone.
    [[nodiscard]] const schema::VirtualMachine& virtual_machine() const noexcept { return vm_; }

    /// The ComputeSystem document (see the top of this file).
    [[nodiscard]] schema::ComputeSystem build() const {
        schema::ComputeSystem document;
        document.Owner = owner_;
        document.ShouldTerminateOnLastHandleClosed = terminate_on_last_handle_closed_;
        document.VirtualMachine = vm_;
        schema::schema_version version = detail::builder_floor_version;
        if (version_) {
            version = *version_;
        } else {
            schema::detail::raise_version(version, schema::minimum_version(document));
        }
        document.SchemaVersion = detail::version_document(version);
        return document;
    }

private:
    static schema::VirtualSmbShare read_only_share(std::string name, std::string path) {
        schema::VirtualSmbShare share;
        share.Name = std::move(name);
        share.Path = std::move(path);
        schema::VirtualSmbShareOptions& options = share.Options.emplace();
        options.ReadOnly = true;
        options.ShareRead = true;
        options.CacheIo = true;
        options.PseudoOplocks = true;
        return share;
    }

    schema::Topology& topology() { return detail::ensure(vm_.ComputeTopology); }
    schema::VirtualMachine_Memory& memory() { return detail::ensure(topology().Memory); }
    schema::VirtualMachine_Processor& processor() { return detail::ensure(topology().Processor); }
    schema::Devices& devices() { return detail::ensure(vm_.Devices); }
    schema::Scsi& scsi(const std::string& controller) { return detail::ensure(devices().Scsi)[controller]; }

    std::optional<std::string> owner_;
    std::optional<schema::schema_version> version_;
    schema::VirtualMachine vm_;
    bool terminate_on_last_handle_closed_ = true;
};

// ---- property queries ---------------------------------------------------------------------------

/// System_PropertyQuery documents for compute_system::properties<T>() (typed.hpp):
///     system.properties<zlhcs::schema::Properties>(zlhcs::property_query::of(
///         zlhcs::schema::System_PropertyType::Statistics, zlhcs::schema::System_PropertyType::Memory));
/// HCS answers the basic properties (Id, SystemType, RuntimeOsType, RuntimeId, State) and each
/// requested one in schema::Properties (Statistics -> Properties.Statistics, with Owner; Memory
/// -> Properties.Memory; ProcessList -> Properties.ProcessList; ...).
namespace property_query {

/// {"PropertyTypes":[types...]} in the order given (each a schema::System_PropertyType).
template <class... Types>
[[nodiscard]] schema::System_PropertyQuery of(Types... types) {
    static_assert((std::is_same_v<Types, schema::System_PropertyType> && ...),
                  "property_query::of takes schema::System_PropertyType values");
    schema::System_PropertyQuery query;
    query.PropertyTypes.emplace();
    (query.PropertyTypes->push_back(schema::open_enum<schema::System_PropertyType>(types)), ...);
    return query;
}

/// {}: the basic properties only.
[[nodiscard]] inline schema::System_PropertyQuery basic() { return {}; }
/// Statistics: processor, memory and storage counters (see <zlhcs/statistics.hpp>).
[[nodiscard]] inline schema::System_PropertyQuery statistics() { return of(schema::System_PropertyType::Statistics); }
/// Memory: the VM's memory (MemoryInformationForVm).
[[nodiscard]] inline schema::System_PropertyQuery memory() { return of(schema::System_PropertyType::Memory); }
/// ProcessList: the processes running in the system (ProcessDetails).
[[nodiscard]] inline schema::System_PropertyQuery process_list() { return of(schema::System_PropertyType::ProcessList); }
/// TerminateOnLastHandleClosed.
[[nodiscard]] inline schema::System_PropertyQuery terminate_on_last_handle_closed() {
    return of(schema::System_PropertyType::TerminateOnLastHandleClosed);
}
/// SharedMemoryRegion: SharedMemoryRegionInfo.
[[nodiscard]] inline schema::System_PropertyQuery shared_memory_region() {
    return of(schema::System_PropertyType::SharedMemoryRegion);
}
/// GuestConnection: GuestConnectionInfo.
[[nodiscard]] inline schema::System_PropertyQuery guest_connection() {
    return of(schema::System_PropertyType::GuestConnection);
}

}  // namespace property_query

// ---- process parameters -----------------------------------------------------------------------

/// `args` as one Windows command line, each argument quoted so that CommandLineToArgvW (and the
/// C runtime) splits it back into exactly `args`: an argument without blanks or quotes stays as
/// it is; any other, and an empty one, is put in double quotes, with every quote escaped as \"
/// and the backslashes before a quote (or before the closing quote) doubled. What hcsshim does
/// for Windows guests (internal/cmd: escapeArgs). Arguments are joined by one space.
[[nodiscard]] inline std::string windows_command_line(const std::vector<std::string>& args) {
    std::string line;
    for (const std::string& arg : args) {
        if (!line.empty()) line += ' ';
        if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) {
            line += arg;
            continue;
        }
        line += '"';
        std::size_t backslashes = 0;
        for (const char c : arg) {
            if (c == '\\') {
                ++backslashes;
                continue;
            }
            if (c == '"') {
                line.append(backslashes * 2 + 1, '\\');
            } else {
                line.append(backslashes, '\\');
            }
            backslashes = 0;
            line += c;
        }
        line.append(backslashes * 2, '\\');
        line += '"';
    }
    return line;
}

/// A ProcessParameters document for process::create() (typed.hpp). See the top of this file.
class process_parameters_builder {
public:
    /// CommandLine, as given (Windows guests take a command line).
    process_parameters_builder& command_line(std::string value) {
        parameters_.CommandLine = std::move(value);
        return *this;
    }
    /// CommandLine made of `args` by windows_command_line() (what hcsshim sends a Windows guest).
    process_parameters_builder& args(const std::vector<std::string>& values) {
        parameters_.CommandLine = windows_command_line(values);
        return *this;
    }
    /// CommandArgs, as given (what hcsshim sends a Linux guest; HCS uses them when there is no
    /// CommandLine).
    process_parameters_builder& command_args(std::vector<std::string> values) {
        parameters_.CommandArgs = std::move(values);
        return *this;
    }
    /// ApplicationName: the program to run (else the command line's first token).
    process_parameters_builder& application_name(std::string value) {
        parameters_.ApplicationName = std::move(value);
        return *this;
    }
    /// WorkingDirectory.
    process_parameters_builder& working_directory(std::string value) {
        parameters_.WorkingDirectory = std::move(value);
        return *this;
    }
    /// Sets one Environment variable (replacing its value).
    process_parameters_builder& environment(std::string name, std::string value) {
        detail::ensure(parameters_.Environment)[std::move(name)] = std::move(value);
        return *this;
    }
    /// Replaces the whole Environment.
    process_parameters_builder& environment(std::map<std::string, std::string> variables) {
        parameters_.Environment = std::move(variables);
        return *this;
    }
    /// User: the account to run as (e.g. "ContainerUser"; the container's default otherwise).
    process_parameters_builder& user(std::string value) {
        parameters_.User = std::move(value);
        return *this;
    }
    /// CreateStdInPipe / CreateStdOutPipe / CreateStdErrPipe: the pipes process:: reads and
    /// writes (no pipe, no stream).
    process_parameters_builder& stdin_pipe(bool value = true) {
        parameters_.CreateStdInPipe = value;
        return *this;
    }
    process_parameters_builder& stdout_pipe(bool value = true) {
        parameters_.CreateStdOutPipe = value;
        return *this;
    }
    process_parameters_builder& stderr_pipe(bool value = true) {
        parameters_.CreateStdErrPipe = value;
        return *this;
    }
    /// All three pipes.
    process_parameters_builder& stdio_pipes() { return stdin_pipe().stdout_pipe().stderr_pipe(); }
    /// EmulateConsole: a pseudo console (a TTY); stderr then goes to stdout, and no stderr pipe
    /// is made.
    process_parameters_builder& emulate_console(bool value = true) {
        parameters_.EmulateConsole = value;
        return *this;
    }
    /// ConsoleSize, columns and rows (the order of process::resize_console()); written as HCS
    /// takes it, [height, width].
    process_parameters_builder& console_size(std::uint16_t width, std::uint16_t height) {
        parameters_.ConsoleSize = std::vector<std::uint16_t>{height, width};
        return *this;
    }

    /// The ProcessParameters document.
    [[nodiscard]] schema::ProcessParameters build() const { return parameters_; }

private:
    schema::ProcessParameters parameters_;
};

}  // namespace zlhcs
