#include "canvass/interview_words.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace canvass::interview {
namespace {

struct Texts {
    std::string_view en, fr, es;
};

// One line per Phrase, in its order.
constexpr std::array<Texts, static_cast<std::size_t>(Phrase::count_)> kPhrases{{
    {"Each answer is saved as it is given. Type ? for help.",
     "Chaque réponse est enregistrée dès qu'elle est donnée. Tapez ? pour l'aide.",
     "Cada respuesta se guarda en cuanto se da. Escriba ? para la ayuda."},
    {"Resuming a draft after its last answer; < goes back to earlier answers. Type ? for help.",
     "Reprise d'un brouillon après sa dernière réponse ; < revient aux réponses précédentes. "
     "Tapez ? pour l'aide.",
     "Se retoma un borrador tras su última respuesta; < vuelve a las respuestas anteriores. "
     "Escriba ? para la ayuda."},
    {"Editing a finalized record: Enter keeps the answer shown; the changes are saved as one edit "
     "at the end. Type ? for help.",
     "Modification d'une fiche finalisée : Entrée garde la réponse affichée ; les changements sont "
     "enregistrés en une seule modification à la fin. Tapez ? pour l'aide.",
     "Edición de un registro finalizado: Intro conserva la respuesta mostrada; los cambios se "
     "guardan como una sola edición al final. Escriba ? para la ayuda."},
    {"This is the first question.", "C'est la première question.", "Esta es la primera pregunta."},
    {"A required question has no answer yet.",
     "Une question obligatoire n'a pas encore de réponse.",
     "Una pregunta obligatoria aún no tiene respuesta."},
    {"Nothing was changed: the record stays as it was.",
     "Rien n'a changé : la fiche reste telle quelle.",
     "No se cambió nada: el registro queda como estaba."},
    {"Save these changes as an edit of the record? [y/n]",
     "Enregistrer ces changements comme une modification de la fiche ? [o/n]",
     "¿Guardar estos cambios como una edición del registro? [s/n]"},
    {"Finalize this interview? [y/n]", "Finaliser cet entretien ? [o/n]",
     "¿Finalizar esta entrevista? [s/n]"},
    {"Stopped. The draft keeps every answer given so far.",
     "Arrêté. Le brouillon garde toutes les réponses données jusqu'ici.",
     "Detenido. El borrador conserva todas las respuestas dadas hasta ahora."},
    {"Input ended: the edit was not saved.",
     "Fin de la saisie : la modification n'a pas été enregistrée.",
     "Fin de la entrada: la edición no se guardó."},
    {"Input ended. The draft keeps every answer given so far.",
     "Fin de la saisie. Le brouillon garde toutes les réponses données jusqu'ici.",
     "Fin de la entrada. El borrador conserva todas las respuestas dadas hasta ahora."},
    {"This question needs an answer.", "Cette question demande une réponse.",
     "Esta pregunta necesita una respuesta."},
    {"This answer is not allowed ({}).", "Cette réponse n'est pas permise ({}).",
     "Esta respuesta no está permitida ({})."},
    {"This answer is too long to sync ({} bytes; at most {}): shorten it.",
     "Cette réponse est trop longue pour être synchronisée ({} octets ; au plus {}) : "
     "raccourcissez-la.",
     "Esta respuesta es demasiado larga para sincronizarse ({} bytes; como máximo {}): acórtela."},
    {"Answers that no longer apply were removed:",
     "Les réponses qui ne s'appliquent plus ont été retirées :",
     "Se quitaron las respuestas que ya no corresponden:"},
    {"Not saved: {}", "Non enregistré : {}", "No guardado: {}"},
    {"Type y to add one, or n to go on.", "Tapez o pour en ajouter, ou n pour continuer.",
     "Escriba s para añadir, o n para seguir."},
    {"Type < to go back to the answers, or n to stop here.",
     "Tapez < pour revenir aux réponses, ou n pour vous arrêter ici.",
     "Escriba < para volver a las respuestas, o n para detenerse aquí."},
    {"The edit was not saved.", "La modification n'a pas été enregistrée.",
     "La edición no se guardó."},
    {"Kept as a draft.", "Gardé comme brouillon.", "Se conserva como borrador."},
    {"Type y or n.", "Tapez o ou n.", "Escriba s o n."},
    {"remove works at a question inside a repeat whose number of instances is not fixed by the "
     "form.",
     "supprimer s'utilise à une question d'un groupe répété dont le nombre n'est pas fixé par le "
     "formulaire.",
     "eliminar se usa en una pregunta de un grupo repetido cuyo número no fija el formulario."},
    {"Remove \"{}\" {} and all its answers? [y/n]",
     "Supprimer « {} » {} et toutes ses réponses ? [o/n]",
     "¿Eliminar «{}» {} y todas sus respuestas? [s/n]"},
    {"Nothing removed.", "Rien n'a été supprimé.", "No se eliminó nada."},
    {"Removed.", "Supprimé.", "Eliminado."},
    {"\nAt any prompt:\n"
     "  < or back   go back to the previous question\n"
     "  Enter       keep the answer shown, or leave an optional question unanswered\n"
     "  skip        leave this question unanswered (not a required one)\n"
     "  remove      remove the repeat instance this question is in\n",
     "\nÀ chaque question :\n"
     "  < ou retour     revenir à la question précédente\n"
     "  Entrée          garder la réponse affichée, ou laisser sans réponse une question "
     "facultative\n"
     "  passer          laisser cette question sans réponse (pas une question obligatoire)\n"
     "  supprimer       supprimer l'élément répété où se trouve cette question\n",
     "\nEn cada pregunta:\n"
     "  < o atrás       volver a la pregunta anterior\n"
     "  Intro           conservar la respuesta mostrada, o dejar sin respuesta una pregunta "
     "opcional\n"
     "  omitir          dejar esta pregunta sin respuesta (no una obligatoria)\n"
     "  eliminar        eliminar el elemento repetido en que está esta pregunta\n"},
    {"  quit        stop here and review the changes before saving them\n",
     "  quitter         s'arrêter ici et revoir les changements avant de les enregistrer\n",
     "  salir           detenerse aquí y revisar los cambios antes de guardarlos\n"},
    {"  quit        stop here; the draft keeps every answer (canvass interview --resume)\n",
     "  quitter         s'arrêter ici ; le brouillon garde toutes les réponses (canvass interview "
     "--resume)\n",
     "  salir           detenerse aquí; el borrador conserva todas las respuestas (canvass "
     "interview --resume)\n"},
    {"  ? or help   this help\n"
     "  \\TEXT       answer TEXT even if it reads like a command\n",
     "  ? ou aide       cette aide\n"
     "  \\TEXTE          répondre TEXTE même s'il ressemble à une commande\n",
     "  ? o ayuda       esta ayuda\n"
     "  \\TEXTO          responder TEXTO aunque parezca una orden\n"},
    {"This question takes {}.", "Cette question attend {}.", "Esta pregunta espera {}."},
    {"Enter answers {}", "Entrée répond {}", "Intro responde {}"},
    {"Enter keeps {}", "Entrée garde {}", "Intro conserva {}"},
    {"Add a \"{}\"?", "Ajouter « {} » ?", "¿Añadir «{}»?"},
    {"({} so far)", "({} jusqu'ici)", "({} hasta ahora)"},
    {"Summary", "Résumé", "Resumen"},
    {"(no answer)", "(pas de réponse)", "(sin respuesta)"},
    {"[y/n]", "[o/n]", "[s/n]"},
    {"[y/N]", "[o/N]", "[s/N]"},
    {"type a whole number, like 12", "tapez un nombre entier, comme 12",
     "escriba un número entero, como 12"},
    {"that number is too large", "ce nombre est trop grand", "ese número es demasiado grande"},
    {"type a number, like 12 or 3.5", "tapez un nombre, comme 12 ou 3.5",
     "escriba un número, como 12 o 3.5"},
    {"type latitude and longitude, like 18.5024 73.8267 (then altitude and accuracy if known)",
     "tapez la latitude et la longitude, comme 14.6928 -17.4467 (puis l'altitude et la précision "
     "si "
     "elles sont connues)",
     "escriba la latitud y la longitud, como -12.0464 -77.0428 (y luego la altitud y la precisión "
     "si "
     "se conocen)"},
    {"{} is not a number", "{} n'est pas un nombre", "{} no es un número"},
    {"choose a number from 1 to {}", "choisissez un numéro de 1 à {}",
     "elija un número del 1 al {}"},
    {"there is no choice {} here: type its number or its name",
     "il n'y a pas de choix {} ici : tapez son numéro ou son nom",
     "no hay opción {} aquí: escriba su número o su nombre"},
    {"choose one answer: type its number", "choisissez une seule réponse : tapez son numéro",
     "elija una sola respuesta: escriba su número"},
    {"type y (or OK) to confirm", "tapez o (ou OK) pour confirmer",
     "escriba s (u OK) para confirmar"},
    {"a whole number", "un nombre entier", "un número entero"},
    {"a number", "un nombre", "un número"},
    {"a date YYYY-MM-DD, or today", "une date AAAA-MM-JJ, ou aujourd'hui",
     "una fecha AAAA-MM-DD, u hoy"},
    {"a time HH:MM, or now", "une heure HH:MM, ou maintenant", "una hora HH:MM, o ahora"},
    {"a date and time YYYY-MM-DD HH:MM, or now",
     "une date et une heure AAAA-MM-JJ HH:MM, ou maintenant",
     "una fecha y hora AAAA-MM-DD HH:MM, o ahora"},
    {"latitude longitude [altitude [accuracy]]", "latitude longitude [altitude [précision]]",
     "latitud longitud [altitud [precisión]]"},
    {"one or more numbers, separated by spaces", "un ou plusieurs numéros, séparés par des espaces",
     "uno o más números, separados por espacios"},
    {"y to confirm", "o pour confirmer", "s para confirmar"},
    {"Saved the edit of record {}: it syncs and merges like any change.",
     "Modification de la fiche {} enregistrée : elle se synchronise et se fusionne comme tout "
     "changement.",
     "Edición del registro {} guardada: se sincroniza y se fusiona como cualquier cambio."},
    {"Nothing changed in record {}.", "Rien n'a changé dans la fiche {}.",
     "No cambió nada en el registro {}."},
    {"Finalized record {}: it is sent at the next canvass sync.",
     "Fiche {} finalisée : elle part à la prochaine synchronisation (canvass sync).",
     "Registro {} finalizado: se envía en la próxima sincronización (canvass sync)."},
    {"(saved as draft {}; resume it with canvass interview --resume {})",
     "(enregistré comme brouillon {} ; reprenez-le avec canvass interview --resume {})",
     "(guardado como borrador {}; retómelo con canvass interview --resume {})"},
    {"type a date like 2026-09-12 (YYYY-MM-DD), or today",
     "tapez une date comme 2026-09-12 (AAAA-MM-JJ), ou aujourd'hui",
     "escriba una fecha como 2026-09-12 (AAAA-MM-DD), u hoy"},
    {"no such date: {}", "cette date n'existe pas : {}", "esa fecha no existe: {}"},
    {"type a time like 09:30 (HH:MM), or now", "tapez une heure comme 09:30 (HH:MM), ou maintenant",
     "escriba una hora como 09:30 (HH:MM), o ahora"},
    {"type a date and time like 2026-09-12 09:30, or now",
     "tapez une date et une heure comme 2026-09-12 09:30, ou maintenant",
     "escriba una fecha y hora como 2026-09-12 09:30, o ahora"},
    {"latitude goes from -90 to 90 and longitude from -180 to 180; accuracy is not negative",
     "la latitude va de -90 à 90 et la longitude de -180 à 180 ; la précision n'est pas négative",
     "la latitud va de -90 a 90 y la longitud de -180 a 180; la precisión no es negativa"},
    {"type some text", "tapez un texte", "escriba un texto"},
    {"{} matches more than one choice: type its number",
     "{} correspond à plusieurs choix : tapez son numéro",
     "{} corresponde a varias opciones: escriba su número"},
    {"This step takes no answer.", "Cette étape n'attend pas de réponse.",
     "Este paso no espera respuesta."},
    {"This is the end of the interview.", "C'est la fin de l'entretien.",
     "Este es el final de la entrevista."},
    {"There is no question {} here: type a number from 1 to {}, or a question's name.",
     "Il n'y a pas de question {} ici : tapez un numéro de 1 à {}, ou le nom d'une question.",
     "No hay pregunta {} aquí: escriba un número del 1 al {}, o el nombre de una pregunta."},
    {"This form has no question named {}.", "Ce formulaire n'a pas de question nommée {}.",
     "Este formulario no tiene una pregunta llamada {}."},
    {"Question {} does not apply to the answers given.",
     "La question {} ne s'applique pas aux réponses données.",
     "La pregunta {} no corresponde a las respuestas dadas."},
    {"This form has no language {} (it has: {}).",
     "Ce formulaire n'a pas la langue {} (il a : {}).",
     "Este formulario no tiene el idioma {} (tiene: {})."},
    {"{} required questions have no answer yet:",
     "{} questions obligatoires n'ont pas encore de réponse :",
     "{} preguntas obligatorias aún no tienen respuesta:"},
    {"question {} of {}", "question {} sur {}", "pregunta {} de {}"},
    {"To change an answer, type its number or name.",
     "Pour changer une réponse, tapez son numéro ou son nom.",
     "Para cambiar una respuesta, escriba su número o su nombre."},
    {"  go N        go to question N, or go NAME to the question named NAME\n"
     "  summary     every answer so far, numbered; type a number there to change it\n"
     "  lang L      ask in language L from now on (kept with the draft)\n",
     "  aller N         aller à la question N, ou aller NOM à la question nommée NOM\n"
     "  résumé          toutes les réponses, numérotées ; tapez un numéro pour en changer une\n"
     "  langue L        poser les questions en langue L (gardée avec le brouillon)\n",
     "  ir N            ir a la pregunta N, o ir NOMBRE a la pregunta llamada NOMBRE\n"
     "  resumen         todas las respuestas, numeradas; escriba un número para cambiar una\n"
     "  idioma L        preguntar en el idioma L desde ahora (se guarda con el borrador)\n"},
    {"Type a number or a name to change that answer, or Enter to go on.",
     "Tapez un numéro ou un nom pour changer cette réponse, ou Entrée pour continuer.",
     "Escriba un número o un nombre para cambiar esa respuesta, o Intro para seguir."},
    {"Language: {}", "Langue : {}", "Idioma: {}"},
    {"This is not a place to add a repeat instance.",
     "Ce n'est pas un endroit où ajouter un élément répété.",
     "Este no es un lugar para añadir un elemento repetido."},
    {"a number from {} to {}, in steps of {}", "un nombre de {} à {}, par pas de {}",
     "un número de {} a {}, en pasos de {}"},
    {"every choice number, in order, separated by spaces",
     "tous les numéros de choix, dans l'ordre, séparés par des espaces",
     "todos los números de opción, en orden, separados por espacios"},
    {"points lat lon [alt [acc]] separated by ;", "des points lat lon [alt [acc]] séparés par ;",
     "puntos lat lon [alt [acc]] separados por ;"},
    {"points lat lon [alt [acc]] separated by ;, the last one the first",
     "des points lat lon [alt [acc]] séparés par ;, le dernier égal au premier",
     "puntos lat lon [alt [acc]] separados por ;, el último igual al primero"},
    {"put all {} choices in order", "classez les {} choix", "ordene las {} opciones"},
}};

struct Spellings {
    std::vector<std::string_view> en, fr, es;
};

const Spellings& spellings(Word word) {
    static const std::array<Spellings, 13> kWords{{
        {{"y", "yes"}, {"o", "oui"}, {"s", "si", "sí"}},
        {{"n", "no"}, {"n", "non"}, {"n", "no"}},
        {{"<", "back"}, {"retour"}, {"atrás", "atras"}},
        {{"?", "help"}, {"aide"}, {"ayuda"}},
        {{"quit", "exit"}, {"quitter"}, {"salir"}},
        {{"skip"}, {"passer"}, {"omitir"}},
        {{"remove"}, {"supprimer"}, {"eliminar"}},
        {{"today"}, {"aujourd'hui"}, {"hoy"}},
        {{"now"}, {"maintenant"}, {"ahora"}},
        {{"ok"}, {}, {}},
        {{"go", ":"}, {"aller"}, {"ir"}},
        {{"summary", "list"}, {"résumé", "resume"}, {"resumen"}},
        {{"lang", "language"}, {"langue"}, {"idioma"}},
    }};
    return kWords[static_cast<std::size_t>(word)];
}

template <class T>
const T& in_language(const T& en, const T& fr, const T& es, std::string_view lang) {
    if (lang == "fr") return fr;
    if (lang == "es") return es;
    return en;
}

// The base letter of a Latin-1 letter with an accent (U+00C0 to U+00FF), lower case; 0 for
// the others.
char base_letter(unsigned code) {
    static constexpr std::string_view kBase =
        "aaaaaaaceeeeiiii"   // À..Ï
        "dnooooo.ouuuuyts"   // Ð..ß (× stays)
        "aaaaaaaceeeeiiii"   // à..ï
        "dnooooo.ouuuuyty";  // ð..ÿ (÷ stays)
    if (code < 0xC0 || code > 0xFF) return 0;
    char c = kBase[code - 0xC0];
    return c == '.' ? 0 : c;
}

}  // namespace

std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            continue;
        }
        // A two-byte UTF-8 sequence in Latin-1 Supplement: C3 xx.
        if (c == 0xC3 && i + 1 < text.size()) {
            unsigned code = 0xC0 + (static_cast<unsigned char>(text[i + 1]) & 0x3F);
            if (char b = base_letter(code)) {
                out += b;
                ++i;
                continue;
            }
        }
        out += static_cast<char>(c);
    }
    return out;
}

std::string say(std::string_view lang, Phrase phrase,
                std::initializer_list<std::string_view> args) {
    const auto& t = kPhrases[static_cast<std::size_t>(phrase)];
    std::string_view text = in_language(t.en, t.fr, t.es, lang);
    std::string out;
    auto arg = args.begin();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '}' && arg != args.end()) {
            out += *arg++;
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool means(std::string_view lang, Word word, std::string_view typed) {
    const auto& s = spellings(word);
    std::string folded = fold(typed);
    auto has = [&](const std::vector<std::string_view>& list) {
        return std::any_of(list.begin(), list.end(),
                           [&](std::string_view w) { return fold(w) == folded; });
    };
    return has(s.en) || has(in_language(s.en, s.fr, s.es, lang));
}

}  // namespace canvass::interview
