/**
 * How each language spells the captcha aloud. The letters are Latin in every language, so each is
 * said by the name the language gives it (eSpeak names a lone capital letter) with a word from that
 * language's own spelling tradition; digits are said as the language's numbers (eSpeak reads "3").
 * Several phrasings per language, so that no character is said the same way twice.
 */
export interface SpokenLanguage {
  /** meSpeak voice files (under mespeak/voices/, without `.json`); each character picks one. */
  voices: readonly string[];
  /** `{letter}` and `{word}` are replaced; one is picked per character. */
  letterPhrases: readonly string[];
  /** `{digit}` is replaced. */
  digitPhrases: readonly string[];
  /** Spelling words for a–z, in alphabetical order; a letter with several picks one each time. */
  words: readonly (readonly string[])[];
}

const byLetter = (list: string): string[][] => list.split(' ').map((words) => words.split('/'));

const en: SpokenLanguage = {
  voices: ['en/en-us', 'en/en', 'en/en-rp', 'en/en-sc', 'en/en-n', 'en/en-wm'],
  letterPhrases: ['{letter}, as in {word}.', '{letter} for {word}.', '{letter}, like {word}.', '{letter}. {word}.', '{letter}, {letter} as in {word}.'],
  digitPhrases: ['number {digit}.', 'the number {digit}.', 'digit {digit}.', '{digit}, number {digit}.'],
  words: byLetter(
    'alpha/apple bravo/boy charlie/cat delta/dog echo/egg foxtrot/fish golf/garden hotel/house india/ice juliet/jam ' +
      'kilo/king lima/lemon mike/mother november/nose oscar/orange papa/pencil quebec/queen romeo/river sierra/sugar ' +
      'tango/tiger uniform/umbrella victor/violin whiskey/window x-ray/xylophone yankee/yellow zulu/zebra',
  ),
};

/** BCP 47 primary language (or `pt-BR`) → how it spells. Languages without a meSpeak voice are absent. */
export const SPOKEN_LANGUAGES: Readonly<Record<string, SpokenLanguage>> = {
  en,
  de: {
    voices: ['de'],
    letterPhrases: ['{letter} wie {word}.', '{letter}, wie {word}.', '{letter}. {word}.', '{letter}, {letter} wie {word}.'],
    digitPhrases: ['die Zahl {digit}.', 'Zahl {digit}.', 'Ziffer {digit}.', '{digit}, die Zahl {digit}.'],
    words: byLetter(
      'Anton Berta Cäsar Dora Emil Friedrich Gustav Heinrich Ida Julius Kaufmann Ludwig Martha Nordpol Otto Paula ' +
        'Quelle Richard Samuel Theodor Ulrich Viktor Wilhelm Xanthippe Ypsilon Zacharias',
    ),
  },
  fr: {
    voices: ['fr'],
    letterPhrases: ['{letter} comme {word}.', '{letter}, comme {word}.', '{letter}. {word}.', '{letter}, {letter} comme {word}.'],
    digitPhrases: ['le chiffre {digit}.', 'chiffre {digit}.', 'le nombre {digit}.', '{digit}, le chiffre {digit}.'],
    words: byLetter(
      'Anatole Berthe Célestin Désiré Eugène François Gaston Henri Irma Joseph Kléber Louis Marcel Nicolas Oscar ' +
        'Pierre Quintal Raoul Suzanne Thérèse Ursule Victor William Xavier Yvonne Zoé',
    ),
  },
  es: {
    voices: ['es', 'es-la'],
    letterPhrases: ['{letter} de {word}.', '{letter}, como {word}.', '{letter}. {word}.', '{letter}, {letter} de {word}.'],
    digitPhrases: ['el número {digit}.', 'número {digit}.', 'la cifra {digit}.', '{digit}, el número {digit}.'],
    words: byLetter(
      'Antonio Barcelona Carmen Dolores Enrique Francia Gerona Historia Inés José Kilo Lorenzo Madrid Navarra Oviedo ' +
        'París Querido Ramón Sábado Tarragona Ulises Valencia Washington Xilófono Yegua Zaragoza',
    ),
  },
  it: {
    voices: ['it'],
    letterPhrases: ['{letter} come {word}.', '{letter}, come {word}.', '{letter}. {word}.', '{letter}, {letter} come {word}.'],
    digitPhrases: ['il numero {digit}.', 'numero {digit}.', 'la cifra {digit}.', '{digit}, il numero {digit}.'],
    words: byLetter(
      'Ancona Bologna Como Domodossola Empoli Firenze Genova Hotel Imola Jolly Kursaal Livorno Milano Napoli Otranto ' +
        'Padova Quarto Roma Savona Torino Udine Venezia Washington Xeres Yacht Zara',
    ),
  },
  'pt-BR': {
    voices: ['pt'],
    letterPhrases: ['{letter} de {word}.', '{letter}, como {word}.', '{letter}. {word}.', '{letter}, {letter} de {word}.'],
    digitPhrases: ['o número {digit}.', 'número {digit}.', 'o algarismo {digit}.', '{digit}, o número {digit}.'],
    words: byLetter(
      'Amor Bola Casa Dado Escola Faca Gato Hotel Igreja Janela Kiwi Lua Maria Navio Ovo Pato Queijo Rato Sapo Tatu ' +
        'Uva Vaca Wilson Xadrez Yara Zebra',
    ),
  },
  nl: {
    voices: ['nl'],
    letterPhrases: ['{letter} van {word}.', '{letter}, van {word}.', '{letter}. {word}.', '{letter}, {letter} van {word}.'],
    digitPhrases: ['het cijfer {digit}.', 'cijfer {digit}.', 'het getal {digit}.', '{digit}, het cijfer {digit}.'],
    words: byLetter(
      'Anna Bernard Cornelis Dirk Eduard Ferdinand Gerard Hendrik Izaak Jan Karel Lodewijk Maria Nico Otto Pieter ' +
        'Quirinus Rudolf Simon Teunis Utrecht Victor Willem Xantippe Ypsilon Zaandam',
    ),
  },
  pl: {
    voices: ['pl'],
    letterPhrases: ['{letter} jak {word}.', '{letter}, jak {word}.', '{letter}. {word}.', '{letter}, {letter} jak {word}.'],
    digitPhrases: ['cyfra {digit}.', 'liczba {digit}.', 'numer {digit}.', '{digit}, cyfra {digit}.'],
    words: byLetter(
      'Adam Barbara Celina Dorota Ewa Franciszek Genowefa Henryk Irena Jadwiga Karol Ludwik Marek Natalia Olga Paweł ' +
        'Quebec Roman Stefan Tadeusz Urszula Violetta Wacław Xawery Ypsylon Zygmunt',
    ),
  },
  tr: {
    voices: ['tr'],
    letterPhrases: ['{letter}, {word}.', '{letter}. {word}.', '{letter} harfi, {word}.', '{letter}, {letter}, {word}.'],
    digitPhrases: ['rakam {digit}.', 'sayı {digit}.', '{digit} rakamı.', '{digit}, rakam {digit}.'],
    // Q, W and X are not Turkish letters: their words are the ones Turkish speakers spell them with.
    words: byLetter(
      'Adana Bursa Ceyhan Denizli Edirne Fatsa Giresun Hatay Isparta Jandarma Kars Lüleburgaz Malatya Niğde Ordu ' +
        'Polatlı Kuebek Rize Sinop Tokat Uşak Van Vaşington İksir Yozgat Zonguldak',
    ),
  },
};

export const DEFAULT_SPOKEN_LANGUAGE = 'en';

/** BCP 47-ish, as the `lang` parameter accepts it: a 2–3 letter language, then subtags (`de-CH`, `zh-Hant-TW`). */
export const LANGUAGE_TAG_PATTERN = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$';

/**
 * The spoken language for a BCP 47 tag: its primary subtag (`de-CH` → `de`), Portuguese as spoken
 * in Brazil for any `pt`, English for anything without a voice.
 */
export function spokenLanguageFor(tag: string | undefined): string {
  const primary = (tag ?? '').split('-')[0]!.toLowerCase();
  if (primary === 'pt') return 'pt-BR';
  return primary in SPOKEN_LANGUAGES ? primary : DEFAULT_SPOKEN_LANGUAGE;
}

/** Every voice file any language uses, so the speech thread can load them by name. */
export const SPOKEN_VOICES: readonly string[] = [...new Set(Object.values(SPOKEN_LANGUAGES).flatMap((language) => language.voices))];
