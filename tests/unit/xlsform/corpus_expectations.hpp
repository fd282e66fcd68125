// What the corpus test expects of each corpus form: nothing (it imports and checks clean), or
// the features it uses that canvass does not support yet, and the defects of the form itself
// that canvass refuses. This is the one place to update when canvass learns a feature: take
// the feature out of the forms that use it (and out of `features` when no form needs it).
//
// A problem of a form is matched to the first of its features one of whose fragments it
// contains (the problem as `form check` prints it); every problem must match a feature and
// every feature must match a problem.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace canvass::xlsform::testing {

struct Feature {
    std::string_view name;
    std::vector<std::string_view> fragments;
};

// ---- Not yet supported (docs/forms.md "XLSForm support") ---------------------------------

// Images, audio and video in labels (the media:: and image columns), and a note or choice
// shown as an image alone: the question types image, audio, video and file are supported.
inline const Feature media{
    "media in labels not yet supported (media::image, image, audio and video columns; a note "
    "or choice shown as an image alone)",
    {"media::", "media:audio", "column image", "column audio", "column video",
     "column label: missing (choices.", "column label::english: missing (survey",
     "column label::en: missing (survey"}};
inline const Feature entities{"ODK entities (save_to) not yet supported", {"column save_to"}};
inline const Feature osm_type{"the osm type (OpenMapKit) not yet supported", {"unknown type osm"}};
inline const Feature uri_deviceid{"the uri:deviceid spelling of deviceid not yet supported",
                                  {"unknown type uri:deviceid"}};
inline const Feature dot_outside_constraint{
    "`.` (the row's own value) outside constraint not yet supported",
    {"'.' (the current answer) is only allowed in constraint"}};
inline const Feature add_none_option{"the add_none_option setting not yet supported",
                                     {"column add_none_option: unknown setting"}};
inline const Feature odk_columns{
    "ODK Collect's display columns not yet read (rows, autoplay, buttonText, noAppErrorString)",
    {"column rows: unknown column", "column autoplay: unknown column",
     "column buttonText: unknown column", "column noAppErrorString: unknown column"}};

// Files a form names that its repository does not publish beside it: FMTM's features come from
// its server, the others were never shared.
inline const Feature files_absent{
    "the CSV or GeoJSON files the form names are not published beside it (FMTM's features.csv "
    "and OSM's GeoJSON layers come from its server)",
    {"is not attached to the form", "and no file features.csv attached"}};

// Community Health Toolkit's extensions to XLSForm, which only its app reads.
inline const Feature cht{
    "CHT extensions (instance:: and cht:: columns, the settings path, the tel type, CHT's "
    "functions difference-in-months(), add-date(), parse-timestamp-to-date())",
    {"column instance::", "column cht::", "column path: unknown setting", "unknown type tel",
     "unknown function difference-in-months()", "unknown function add-date()",
     "unknown function parse-timestamp-to-date()", "unknown instance 'contact-summary'"}};

// FreeXL 1.0.6 (Debian 12's) opens some .xls files without finding their workbook.
inline const Feature freexl_unreadable{
    "an .xls that FreeXL finds no workbook in (Excel and LibreOffice open it)",
    {"FreeXL, which reads .xls files, finds no workbook in it"}};

// ---- Rules of canvass that these forms break ----------------------------------------------

inline const Feature shared_names{
    "the same name in two groups (canvass keys answers by name across the whole form)",
    {"duplicate name", "is ambiguous: questions at different levels"}};
inline const Feature reserved_id{"a field named _id (canvass's repeat instance ids)",
                                 {"the name _id is reserved", "unknown field ${_id}"}};
inline const Feature form_id_characters{
    "a form_id with characters other than letters, digits, _ and :",
    {"column form_id: must be letters, digits, _ and :"}};

inline const Feature unnamed_rows{
    "a note without a name, choices without a label, a setting named id (canvass names every "
    "row and labels every choice; pyxform lets the first through and warns of the second)",
    {"column name: missing", "column label::English(en): missing (choices.",
     "column id: unknown setting"}};

// ---- Defects of the form itself: pyxform refuses the templates and the unknown type too ---

inline const Feature merged_template{
    "a template for FMTM to merge with its mandatory fields: the yes_no list and ${feature} or "
    "${existing} are not in it (pyxform refuses it too)",
    {"unknown choice list yes_no", "unknown field ${feature}", "unknown field ${existing}",
     "unknown field ${digitisation_correct}", "calculation cycle: status -> status"}};
inline const Feature expression_defects{
    "expression defects: a bare name that is no field (yes, basic, NULL), a choice_filter on a "
    "column its list lacks or on a row without choices, coalesce() with 3 arguments, '&' for "
    "and, ${group} as a value, a trigger on a group",
    {"unknown name yes (a field", "unknown name basic (a field", "unknown name NULL (a field",
     "has no column", "choice_filter is only allowed on", "coalesce() takes 2 arguments",
     "unexpected character '&'", "is a group, which has no value",
     "trigger is only allowed on calculate rows and questions"}};
inline const Feature unknown_type{"a type no XLSForm tool knows (country; pyxform refuses it too)",
                                  {"unknown type country"}};
inline const Feature default_not_a_choice{"a default that is not a choice of its list (Fixme: …)",
                                          {"\"Fixme: I need this list\" is not a choice"}};

inline const std::map<std::string, std::vector<const Feature*>>& corpus_expectations() {
    static const std::map<std::string, std::vector<const Feature*>> expected = {
        // Community Health Toolkit (medic/cht-core)
        {"cht_app_death_report.xlsx", {&cht, &reserved_id, &shared_names}},
        {"cht_app_delivery.xlsx",
         {&cht, &reserved_id, &dot_outside_constraint, &expression_defects, &shared_names}},
        {"cht_app_pregnancy_home_visit.xlsx",
         {&cht, &reserved_id, &dot_outside_constraint, &expression_defects, &shared_names}},
        {"cht_contact_person-create.xlsx", {&cht, &shared_names}},
        {"cht_covid-19_app_covid19_rdt_provision.xlsx",
         {&cht, &reserved_id, &dot_outside_constraint, &expression_defects, &shared_names}},
        {"cht_training_admin_welcome.xlsx", {&media, &shared_names}},
        // Field Mapping Tasking Manager (hotosm/fmtm)
        {"fmtm_building_natural_risks_survey.xlsx", {&files_absent, &expression_defects}},
        {"fmtm_entities_registration.xls", {&entities, &files_absent}},
        {"fmtm_highways.xls", {&merged_template, &expression_defects}},
        {"fmtm_simple_building_survey_wildfires.xlsx", {&merged_template, &expression_defects}},
        {"fmtm_slum_assessment_survey.xlsx", {&shared_names}},
        {"fmtm_test_form_for_mandatory_fields.xls", {}},
        // OpenStreetMap field mapping (hotosm/osm-fieldwork)
        {"osm-fieldwork_amenities.xls", {&freexl_unreadable}},
        {"osm-fieldwork_buildings.xls", {&merged_template, &expression_defects}},
        {"osm-fieldwork_health.xls", {&files_absent, &merged_template}},
        {"osm-fieldwork_highways.xls", {&files_absent, &expression_defects, &shared_names}},
        {"osm-fieldwork_historical.xls", {&files_absent}},
        {"osm-fieldwork_mandatory_fields.xls", {&entities, &files_absent, &merged_template}},
        {"osm-fieldwork_nature.xls", {&files_absent}},
        {"osm-fieldwork_places.xls", {}},       // with the corpus's own place.geojson
        {"osm-fieldwork_solidwaste.xlsx", {}},  // with the corpus's own communities.csv
        {"osm-fieldwork_toilets.xls", {&files_absent}},
        {"osm-fieldwork_transportation.xls", {&media, &unnamed_rows, &shared_names}},
        {"osm-fieldwork_waste_collection.xlsx",
         {&form_id_characters, &unnamed_rows, &default_not_a_choice}},
        {"osm-fieldwork_wastedisposal.xls", {&files_absent, &expression_defects}},
        {"osm-fieldwork_waterpoints.xls", {&files_absent, &expression_defects}},
        // pyxform's test workbooks (XLSForm/pyxform)
        {"pyxform_UCL_Biomass_Plot_Form.xlsx", {&files_absent}},
        {"pyxform_cascading_select_test_equivalent.xls", {}},
        {"pyxform_case_insensitivity.xlsx", {&osm_type}},
        {"pyxform_choice_filter_test.xlsx", {}},
        {"pyxform_default_time_demo.xls", {}},
        {"pyxform_or_other.xlsx", {&expression_defects}},
        {"pyxform_specify_other.xlsx", {}},
        {"pyxform_style_settings.xls", {}},
        {"pyxform_tutorial.xls", {}},
        {"pyxform_widgets.xls", {&media, &add_none_option}},
        {"pyxform_xlsform_spec_test.xlsx",
         {&media, &add_none_option, &uri_deviceid, &odk_columns, &form_id_characters}},
        // CorrelAid's LimeSurvey converter (CorrelAid/xlsform2lstsv)
        {"correlaid_mitwirken_umfrage.xlsx", {}},
        // OPENGIS.ch's QGIS converter (opengisch/xlsform2qgis)
        {"opengisch_service_rating.xlsx", {&unknown_type}},
        // UNHCR's XLSForm utilities (unhcr-americas/XlsFormUtil)
        {"unhcr_KoBoXLSFormExamples.xlsx", {&shared_names}},
        // ODK's XLSForm Offline (getodk/xlsform-offline)
        {"xlsform-offline_external-itemsets.xlsx", {}},
        {"xlsform-offline_pyxform-clean.xlsx", {}},
    };
    return expected;
}

}  // namespace canvass::xlsform::testing
