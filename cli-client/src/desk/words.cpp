#include "desk/words.hpp"

#include <array>
#include <cctype>
#include <map>

namespace canvass::cli::desk {

namespace {

struct Text {
    const char* en;
    const char* fr;
    const char* es;
};

const std::map<std::string_view, Text>& words() {
    static const std::map<std::string_view, Text> table{
        {"desk", {"canvass desk", "bureau canvass", "escritorio canvass"}},
        {"forms", {"Forms", "Formulaires", "Formularios"}},
        {"form", {"Form", "Formulaire", "Formulario"}},
        {"records", {"records", "fiches", "registros"}},
        {"submissions", {"Submissions", "Soumissions", "Envíos"}},
        {"by_researcher", {"By field researcher", "Par enquêteur·rice", "Por encuestador/a"}},
        {"by_day", {"By day", "Par jour", "Por día"}},
        {"device", {"Device", "Appareil", "Dispositivo"}},
        {"day", {"Day", "Jour", "Día"}},
        {"count", {"Records", "Fiches", "Registros"}},
        {"submitted", {"Submitted", "Soumis", "Enviado"}},
        {"review", {"Review", "Revue", "Revisión"}},
        {"conflicts", {"Conflicts", "Conflits", "Conflictos"}},
        {"search", {"Search", "Rechercher", "Buscar"}},
        {"search_text",
         {"Text in any answer", "Texte dans une réponse", "Texto en cualquier respuesta"}},
        {"filter", {"Filter", "Filtrer", "Filtrar"}},
        {"question", {"Question", "Question", "Pregunta"}},
        {"any_question", {"(no filter)", "(aucun filtre)", "(sin filtro)"}},
        {"value", {"Value", "Valeur", "Valor"}},
        {"apply", {"Apply", "Appliquer", "Aplicar"}},
        {"clear", {"Clear", "Effacer", "Borrar"}},
        {"page", {"Page", "Page", "Página"}},
        {"of", {"of", "sur", "de"}},
        {"previous", {"Previous", "Précédente", "Anterior"}},
        {"next", {"Next", "Suivante", "Siguiente"}},
        {"matching", {"records match", "fiches correspondent", "registros coinciden"}},
        {"open", {"Open", "Ouvrir", "Abrir"}},
        {"record", {"Record", "Fiche", "Registro"}},
        {"answers", {"Answers", "Réponses", "Respuestas"}},
        {"history", {"History", "Historique", "Historial"}},
        {"created", {"created the record", "a créé la fiche", "creó el registro"}},
        {"edited", {"edited", "a modifié", "editó"}},
        {"coordinator_edit",
         {"coordinator's edit", "modification du coordinateur", "edición del coordinador"}},
        {"resolving",
         {"resolving a conflict", "en résolvant un conflit", "resolviendo un conflicto"}},
        {"conflict", {"Conflict", "Conflit", "Conflicto"}},
        {"candidates", {"candidates", "candidats", "candidatos"}},
        {"keep_this", {"Keep this value", "Garder cette valeur", "Conservar este valor"}},
        {"other_value",
         {"Or settle with another value:", "Ou régler avec une autre valeur :",
          "O resolver con otro valor:"}},
        {"settle_with",
         {"Settle with this value", "Régler avec cette valeur", "Resolver con este valor"}},
        {"shown",
         {"shown until settled", "affichée jusqu'au règlement", "mostrado hasta resolver"}},
        {"by", {"by", "par", "por"}},
        {"at", {"at", "le", "el"}},
        {"no_conflicts",
         {"No open conflict.", "Aucun conflit ouvert.", "Ningún conflicto abierto."}},
        {"delete_conflict",
         {"Deleted on one device, kept or edited on another: settle it with 'canvass delete' or an "
          "edit.",
          "Supprimée sur un appareil, gardée ou modifiée sur un autre : réglez-le avec 'canvass "
          "delete' ou une modification.",
          "Borrado en un dispositivo, conservado o editado en otro: resuélvalo con 'canvass "
          "delete' o una edición."}},
        {"approved", {"Approved", "Approuvée", "Aprobado"}},
        {"hasIssues", {"Has issues", "A des problèmes", "Tiene problemas"}},
        {"rejected", {"Rejected", "Rejetée", "Rechazado"}},
        {"no_review", {"Not reviewed", "Non revue", "Sin revisar"}},
        {"comment", {"Comment", "Commentaire", "Comentario"}},
        {"save_review", {"Save the review", "Enregistrer la revue", "Guardar la revisión"}},
        {"review_contested",
         {"Two coordinators reviewed it at once; the newest is shown.",
          "Deux coordinateurs l'ont revue en même temps ; la plus récente est affichée.",
          "Dos coordinadores lo revisaron a la vez; se muestra la más reciente."}},
        {"sync",
         {"Sync with the server", "Synchroniser avec le serveur", "Sincronizar con el servidor"}},
        {"synced", {"Synced", "Synchronisé", "Sincronizado"}},
        {"sync_failed", {"Sync failed", "Échec de la synchronisation", "Falló la sincronización"}},
        {"download", {"Download", "Télécharger", "Descargar"}},
        {"format", {"Format", "Format", "Formato"}},
        {"map", {"Map", "Carte", "Mapa"}},
        {"no_points",
         {"No geopoint answered.", "Aucun point géographique.", "Ningún punto geográfico."}},
        {"language", {"Language", "Langue", "Idioma"}},
        {"settled",
         {"Conflict settled; the edit syncs like any other.",
          "Conflit réglé ; la modification se synchronise comme les autres.",
          "Conflicto resuelto; la edición se sincroniza como cualquier otra."}},
        {"review_saved",
         {"Review saved; it syncs like any other edit.",
          "Revue enregistrée ; elle se synchronise comme toute modification.",
          "Revisión guardada; se sincroniza como cualquier edición."}},
        {"failed", {"Nothing was changed", "Rien n'a été modifié", "No se cambió nada"}},
        {"unreadable", {"(not decrypted)", "(non déchiffré)", "(no descifrado)"}},
        {"unanswered", {"(no answer)", "(sans réponse)", "(sin respuesta)"}},
        {"decryption_warning",
         {"Some changesets could not be decrypted", "Certains changements n'ont pu être déchiffrés",
          "Algunos cambios no se pudieron descifrar"}},
        {"skip", {"Skip to the content", "Aller au contenu", "Saltar al contenido"}},
        {"not_found", {"Not found", "Introuvable", "No encontrado"}},
        {"all", {"All", "Tous", "Todos"}},
        {"sort_by", {"sort by", "trier par", "ordenar por"}},
        {"export_note",
         {"The file holds decrypted answers: keep it on an encrypted disk, delete it when done.",
          "Le fichier contient les réponses déchiffrées : gardez-le sur un disque chiffré, "
          "supprimez-le ensuite.",
          "El archivo contiene respuestas descifradas: guárdelo en un disco cifrado y bórrelo al "
          "terminar."}},
    };
    return table;
}

}  // namespace

std::string page_language(std::string_view asked, std::string_view accept_language) {
    auto known = [](std::string_view l) { return l == "en" || l == "fr" || l == "es"; };
    if (known(asked)) return std::string(asked);
    // "fr-CH, fr;q=0.9, en;q=0.8": the first known primary tag, in the order given (browsers
    // list them by preference).
    while (!accept_language.empty()) {
        auto comma = accept_language.find(',');
        auto part = accept_language.substr(0, comma);
        accept_language = comma == std::string_view::npos ? std::string_view()
                                                          : accept_language.substr(comma + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        std::string tag;
        for (char c : part) {
            if (!std::isalpha(static_cast<unsigned char>(c))) break;
            tag += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (known(tag)) return tag;
    }
    return "en";
}

std::string_view say(std::string_view lang, std::string_view key) {
    auto it = words().find(key);
    if (it == words().end()) return key;
    const Text& t = it->second;
    if (lang == "fr" && t.fr) return t.fr;
    if (lang == "es" && t.es) return t.es;
    return t.en;
}

}  // namespace canvass::cli::desk
