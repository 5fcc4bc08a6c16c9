// <zlhcs/validation.hpp>: validate() and its typed report, describe_schema(), the report of a
// refused call, and init_options::validation reaching zlhcs_init.
#include "facade_test_support.hpp"

#include <algorithm>
#include <string>

namespace facade_test {
namespace {

constexpr const char* good_container =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"facade","Container":{"Memory":{"SizeInMB":512}}})";

TEST(FacadeValidation, ACleanDocumentHasAnEmptyReport) {
    const zlhcs::validation_report report = zlhcs::validate("ComputeSystem", good_container);
    EXPECT_TRUE(report.valid());
    EXPECT_TRUE(report.clean());
    EXPECT_TRUE(report.problems().empty());
    EXPECT_EQ(report.type(), "ComputeSystem");
    EXPECT_EQ(report.schema_version(), std::optional<std::string>("2.1"));
    EXPECT_EQ(report.schema_version_from(), zlhcs::schema_version_source::document);
    EXPECT_TRUE(report.note().empty());
    EXPECT_FALSE(report.truncated());
    EXPECT_NE(report.json().find("\"Valid\":true"), std::string::npos) << report.json();
}

TEST(FacadeValidation, EveryProblemComesTypedWithItsDetails) {
    const std::string document =
        R"({"SchemaVersion":{"Major":2,"Minor":1},"ShouldTerminateOnLastHandleClose":true,)"
        R"("VirtualMachine":{"Version":{"Major":1,"Minor":0},"ComputeTopology":{"Processor":{"Count":"two"}},)"
        R"("Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"VirtualDisc","Path":"p"}}}}}}})";
    const zlhcs::validation_report report = zlhcs::validate("ComputeSystem", document);
    EXPECT_FALSE(report.valid());
    EXPECT_EQ(report.error_count(), 2u);
    EXPECT_EQ(report.warning_count(), 2u);
    ASSERT_EQ(report.problems().size(), 4u) << report.json();

    const zlhcs::validation_problem& unknown = report.problems()[0];
    EXPECT_EQ(unknown.path, "/ShouldTerminateOnLastHandleClose");
    EXPECT_EQ(unknown.severity, zlhcs::problem_severity::warning);
    EXPECT_EQ(unknown.rule, "unknown-field");
    EXPECT_EQ(unknown.suggestion, std::optional<std::string>("ShouldTerminateOnLastHandleClosed"));
    EXPECT_FALSE(unknown.since.has_value());

    const zlhcs::validation_problem& since = report.problems()[1];
    EXPECT_EQ(since.path, "/VirtualMachine/Version");
    EXPECT_EQ(since.rule, "since");
    EXPECT_EQ(since.severity, zlhcs::problem_severity::warning);  // against the document's own version
    EXPECT_EQ(since.since, std::optional<std::string>("2.5"));

    const zlhcs::validation_problem& type = report.problems()[2];
    EXPECT_EQ(type.path, "/VirtualMachine/ComputeTopology/Processor/Count");
    EXPECT_EQ(type.severity, zlhcs::problem_severity::error);
    EXPECT_EQ(type.rule, "type");
    EXPECT_EQ(type.expected, "uint32");
    EXPECT_TRUE(type.expected_values.empty());
    EXPECT_EQ(type.actual, std::optional<std::string>("string"));
    EXPECT_EQ(type.since, std::optional<std::string>("2.0"));
    EXPECT_FALSE(type.message.empty());

    const zlhcs::validation_problem& value = report.problems()[3];
    EXPECT_EQ(value.rule, "enum");
    EXPECT_TRUE(value.expected.empty());
    EXPECT_EQ(value.expected_values, (std::vector<std::string>{"VirtualDisk", "Iso", "PassThru"}));
    EXPECT_EQ(value.actual, std::optional<std::string>("VirtualDisc"));
    EXPECT_EQ(value.suggestion, std::optional<std::string>("VirtualDisk"));
}

TEST(FacadeValidation, WarningsOnlyAreValidButNotClean) {
    const zlhcs::validation_report report =
        zlhcs::validate("ProcessParameters", std::string(R"({"CommandLine":"x","Comandline":"y"})"));
    EXPECT_TRUE(report.valid());
    EXPECT_FALSE(report.clean());
    EXPECT_EQ(report.warning_count(), 1u);
    EXPECT_EQ(report.schema_version_from(), zlhcs::schema_version_source::none);
    EXPECT_FALSE(report.schema_version().has_value());
    EXPECT_FALSE(report.note().empty());
}

TEST(FacadeValidation, TheCallersVersionOverridesTheDocuments) {
    const std::string document = R"({"SchemaVersion":{"Major":2,"Minor":5},"VirtualMachine":{"Version":{"Major":1,"Minor":0}}})";
    EXPECT_TRUE(zlhcs::validate("ComputeSystem", document).clean());
    const zlhcs::validation_report older = zlhcs::validate("ComputeSystem", document, "2.1");
    EXPECT_EQ(older.schema_version_from(), zlhcs::schema_version_source::caller);
    EXPECT_EQ(older.schema_version(), std::optional<std::string>("2.1"));
    ASSERT_EQ(older.problems().size(), 1u) << older.json();
    EXPECT_EQ(older.problems()[0].rule, "since");
}

TEST(FacadeValidation, MalformedJsonIsAReportNotAnException) {
    const zlhcs::validation_report report = zlhcs::validate("ComputeSystem", std::string_view("{\"Owner\":"));
    EXPECT_FALSE(report.valid());
    ASSERT_EQ(report.problems().size(), 1u);
    EXPECT_EQ(report.problems()[0].rule, "json");
}

TEST(FacadeValidation, BadArgumentsThrow) {
    try {
        (void)zlhcs::validate("ComputeSytem", "{}");
        FAIL() << "an unknown type name must throw";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument);
        EXPECT_EQ(e.call(), "zlhcs_schema_validate");
        EXPECT_NE(e.message().find("\"ComputeSystem\""), std::string::npos) << e.message();
    }
    EXPECT_THROW((void)zlhcs::validate("ComputeSystem", nullptr), zlhcs::error);
    try {
        (void)zlhcs::validate("ComputeSystem", "{}", "two.one");
        FAIL() << "a malformed version must throw";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument);
        EXPECT_NE(e.message().find("schema_version"), std::string::npos) << e.message();
    }
    try {
        (void)zlhcs::validate("ComputeSystem", "{\"Owner\":\"\xC3\x28\"}");
        FAIL() << "invalid UTF-8 must throw";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.hresult(), ZLHCS_E_INVALID_UTF8);
    }
}

TEST(FacadeValidation, TheReportOfARefusedCallIsReadFromTheError) {
    // This suite runs without document validation (zlhcs_init is once per process), so the
    // error is made as the facade makes it for any failed call: from the thread's last error.
    const zlhcs_hresult hr = zlhcs_schema_validate("ComputeSystem", "{\"Container\":{\"Memory\":[]}}", nullptr, nullptr);
    ASSERT_EQ(hr, ZLHCS_E_SCHEMA_INVALID);
    const zlhcs::error e = zlhcs::error::from_last_error(hr, "zlhcs_system_create");
    EXPECT_EQ(e.code(), zlhcs::errc::invalid_json);
    const std::optional<zlhcs::validation_report> report = zlhcs::validation_report::from_error(e);
    ASSERT_TRUE(report.has_value());
    EXPECT_FALSE(report->valid());
    EXPECT_EQ(report->error_count(), 2u) << report->json();  // SchemaVersion missing, Memory not an object
    const auto has = [&](const char* path, const char* rule) {
        return std::any_of(report->problems().begin(), report->problems().end(),
                           [&](const zlhcs::validation_problem& p) { return p.path == path && p.rule == rule; });
    };
    EXPECT_TRUE(has("/SchemaVersion", "required"));
    EXPECT_TRUE(has("/Container/Memory", "type"));
    // Any other error has no report.
    const zlhcs::error other(ZLHCS_E_INVALID_ARGUMENT, "x", "y", "", "");
    EXPECT_FALSE(zlhcs::validation_report::from_error(other).has_value());
}

TEST(FacadeValidation, ReportMembersALaterZlhcsAddsAreSkipped) {
    const zlhcs::validation_report report = zlhcs::validation_report::parse(
        R"({"Type":"T","Later":{"Problems":[{"Path":"/no"}],"X":[1,{"Y":true}]},"SchemaVersion":null,)"
        R"("SchemaVersionFrom":"none","Valid":false,"Errors":1,"Warnings":0,"Problems":[)"
        R"({"Path":"/a","Severity":"error","Rule":"new-rule","Message":"m","Hint":{"Deep":["x"]},)"
        R"("Expected":["A","B"],"Since":"2.7"}],"Truncated":false})");
    EXPECT_EQ(report.type(), "T");
    EXPECT_FALSE(report.schema_version().has_value());
    ASSERT_EQ(report.problems().size(), 1u);
    EXPECT_EQ(report.problems()[0].path, "/a");
    EXPECT_EQ(report.problems()[0].rule, "new-rule");
    EXPECT_EQ(report.problems()[0].expected_values, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(report.problems()[0].since, std::optional<std::string>("2.7"));
    EXPECT_FALSE(report.valid());
}

TEST(FacadeValidation, AReportThatIsNotOneThrows) {
    EXPECT_THROW((void)zlhcs::validation_report::parse("[]"), zlhcs::error);
    EXPECT_THROW((void)zlhcs::validation_report::parse("not json"), zlhcs::error);
    EXPECT_THROW((void)zlhcs::validation_report::parse(R"({"Type":"T"})"), zlhcs::error) << "no Problems";
    EXPECT_THROW((void)zlhcs::validation_report::parse(R"({"Problems":[)"), zlhcs::error) << "truncated";
}

TEST(FacadeValidation, DescribeSchemaListsTheTypesValidateAccepts) {
    const zlhcs::schema_description schema = zlhcs::describe_schema();
    EXPECT_EQ(schema.latest_version, "2.6");
    EXPECT_EQ(schema.types.size(), 189u);
    EXPECT_NE(std::find(schema.types.begin(), schema.types.end(), "ComputeSystem"), schema.types.end());
    for (const std::string& type : schema.types) EXPECT_NO_THROW((void)zlhcs::validate(type, "{}")) << type;
}

TEST(FacadeValidation, InitOptionsCarryDocumentValidation) {
    // The default backend is loaded already, without validation: asking for it with
    // validation on is asking for other options (it would be a no-op if the member were lost).
    zlhcs::init_options options;
    options.validation = zlhcs::document_validation::on;
    try {
        (void)zlhcs::initialize(options);
        FAIL() << "other validation options must be refused";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_state);
    }
    options.validation = zlhcs::document_validation::off;
    EXPECT_FALSE(zlhcs::initialize(options));
    EXPECT_EQ(static_cast<std::uint32_t>(zlhcs::document_validation::strict),
              ZLHCS_VALIDATE_DOCUMENTS | ZLHCS_VALIDATE_STRICT);
}

}  // namespace
}  // namespace facade_test
