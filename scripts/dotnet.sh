#!/usr/bin/env bash
# The .NET binding (facade/dotnet): its xunit suite against a native build, its NuGet package, and a
# consumer that restores that package from a local folder feed and runs, as a user would.
#   scripts/dotnet.sh --native-build build/native [--windows-build build/windows]
# 1. dotnet test facade/dotnet/Zlhcs.Tests, with <native>/bin's libzlhcs.so and libhcsim.so beside it;
# 2. dotnet pack facade/dotnet/Zlhcs into build/dotnet/feed: Zlhcs.<version>.nupkg with
#    runtimes/linux-x64/native/{libzlhcs.so,libhcsim.so} and, given the Windows build,
#    runtimes/win-x64/native/{zlhcs.dll,hcsim.dll}; the package's contents are checked;
# 3. facade/dotnet/consumer copied to build/dotnet/consumer, restored from the feed into a fresh
#    package folder (never the machine's cache, which would keep an older package of the same
#    version) and run.
# Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
native=build/native
windows=
while [ $# -gt 0 ]; do
  case $1 in
    --native-build) native=$2; shift 2 ;;
    --windows-build) windows=$2; shift 2 ;;
    *) echo "usage: $0 --native-build <dir> [--windows-build <dir>]" >&2; exit 2 ;;
  esac
done
command -v dotnet >/dev/null || { echo "dotnet.sh: no dotnet on PATH" >&2; exit 1; }
native_bin="$root/$native/bin"
[ -f "$native_bin/libzlhcs.so" ] || { echo "dotnet.sh: no $native_bin/libzlhcs.so: build the native preset first" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' facade/dotnet/Directory.Build.props)
echo "dotnet.sh: $(dotnet --version), Zlhcs $version"

# net8.0 as well where its reference pack restores (from the NuGet source this machine is given).
frameworks=()  # the project's default: net10.0 and net8.0
if ! dotnet restore facade/dotnet/Zlhcs/Zlhcs.csproj >/dev/null 2>&1; then
  echo "dotnet.sh: net8.0's reference pack does not restore here (no NuGet source has it): net10.0 only"
  frameworks=(-p:ZlhcsTargetFrameworks=net10.0)
fi

dotnet test facade/dotnet/Zlhcs.Tests/Zlhcs.Tests.csproj "${frameworks[@]}" -p:ZlhcsNativeDir="$native_bin" \
  --logger "console;verbosity=minimal"

feed="$root/build/dotnet/feed"
rm -rf "$feed" && mkdir -p "$feed"
pack=("${frameworks[@]}" -p:ZlhcsLinuxNativeDir="$native_bin")
if [ -n "$windows" ]; then
  [ -f "$root/$windows/bin/zlhcs.dll" ] || { echo "dotnet.sh: no $windows/bin/zlhcs.dll" >&2; exit 1; }
  pack+=(-p:ZlhcsWindowsNativeDir="$root/$windows/bin")
fi
dotnet pack facade/dotnet/Zlhcs/Zlhcs.csproj -c Release -o "$feed" "${pack[@]}"
package="$feed/Zlhcs.$version.nupkg"
expected=(lib/net10.0/Zlhcs.dll lib/net10.0/Zlhcs.xml README.md
          runtimes/linux-x64/native/libzlhcs.so runtimes/linux-x64/native/libhcsim.so)
[ ${#frameworks[@]} -eq 0 ] && expected+=(lib/net8.0/Zlhcs.dll lib/net8.0/Zlhcs.xml)
[ -n "$windows" ] && expected+=(runtimes/win-x64/native/zlhcs.dll runtimes/win-x64/native/hcsim.dll)
listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$package")
for entry in "${expected[@]}"; do
  grep -qx "$entry" <<<"$listing" || { echo "dotnet.sh: $package lacks $entry" >&2; exit 1; }
done
echo "dotnet.sh: $package has ${#expected[@]} expected entries"

consumer="$root/build/dotnet/consumer"
rm -rf "$consumer" && mkdir -p "$consumer"
cp facade/dotnet/consumer/Consumer.csproj facade/dotnet/consumer/Program.cs "$consumer/"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="zlhcs-feed" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
XML
(cd "$consumer" && dotnet run -p:ZlhcsVersion="$version" -p:RestorePackagesPath="$consumer/packages" \
   -p:RestoreIgnoreFailedSources=true)
