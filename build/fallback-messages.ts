/**
 * The fallback page's built-in texts. Users override any of them and add locales through the `fallback.messages`
 * option; a locale is a BCP 47 tag, matched to readers by `chooseLocale` (manifest/locale.ts).
 */

/** The texts of the fallback page in one language. */
export interface FallbackMessages {
  /** The document title. */
  title: string
  heading: string
  body: string
  /** The retry control. */
  retry: string
  /** Shown before the version, e.g. "Version 3f9a2c1b7e4d". */
  version: string
}

export const FALLBACK_MESSAGE_KEYS = ['title', 'heading', 'body', 'retry', 'version'] as const satisfies readonly (keyof FallbackMessages)[]

export const DEFAULT_FALLBACK_LOCALE = 'en'

/** The built-in locales, by tag. Right-to-left: ar, he. */
export const BUILT_IN_MESSAGES: Readonly<Record<string, FallbackMessages>> = {
  ar: {
    title: 'تعذّر تحميل التطبيق',
    heading: 'تعذّر تحميل التطبيق',
    body: 'ربما انقطع الاتصال، أو تعذّر تنزيل جزء من التطبيق. سيعيد المحاولة تلقائيًا عند عودة الاتصال.',
    retry: 'إعادة المحاولة',
    version: 'الإصدار',
  },
  de: {
    title: 'Die App konnte nicht geladen werden',
    heading: 'Die App konnte nicht geladen werden',
    body: 'Vielleicht ist die Verbindung unterbrochen, oder ein Teil der App konnte nicht heruntergeladen werden. Sobald Sie wieder online sind, versucht sie es von selbst erneut.',
    retry: 'Erneut versuchen',
    version: 'Version',
  },
  en: {
    title: 'This app could not load',
    heading: 'This app could not load',
    body: 'The connection may be down, or part of the app could not be downloaded. It will try again by itself when you are back online.',
    retry: 'Try again',
    version: 'Version',
  },
  es: {
    title: 'No se pudo cargar la aplicación',
    heading: 'No se pudo cargar la aplicación',
    body: 'Puede que no haya conexión o que no se haya podido descargar una parte de la aplicación. Volverá a intentarlo sola cuando vuelva a estar en línea.',
    retry: 'Reintentar',
    version: 'Versión',
  },
  fr: {
    title: 'L’application n’a pas pu se charger',
    heading: 'L’application n’a pas pu se charger',
    body: 'La connexion est peut-être coupée, ou une partie de l’application n’a pas pu être téléchargée. Elle réessaiera d’elle-même dès que vous serez de nouveau en ligne.',
    retry: 'Réessayer',
    version: 'Version',
  },
  he: {
    title: 'לא ניתן היה לטעון את האפליקציה',
    heading: 'לא ניתן היה לטעון את האפליקציה',
    body: 'ייתכן שהחיבור נותק, או שחלק מהאפליקציה לא ירד. היא תנסה שוב מעצמה כשהחיבור יחזור.',
    retry: 'לנסות שוב',
    version: 'גרסה',
  },
  hi: {
    title: 'ऐप लोड नहीं हो सका',
    heading: 'ऐप लोड नहीं हो सका',
    body: 'हो सकता है कनेक्शन टूट गया हो, या ऐप का कोई हिस्सा डाउनलोड नहीं हो सका। ऑनलाइन होते ही यह अपने-आप फिर से कोशिश करेगा।',
    retry: 'फिर से कोशिश करें',
    version: 'संस्करण',
  },
  it: {
    title: 'Impossibile caricare l’app',
    heading: 'Impossibile caricare l’app',
    body: 'La connessione potrebbe essere assente, oppure non è stato possibile scaricare una parte dell’app. Riproverà da sola quando sarai di nuovo online.',
    retry: 'Riprova',
    version: 'Versione',
  },
  ja: {
    title: 'アプリを読み込めませんでした',
    heading: 'アプリを読み込めませんでした',
    body: '接続が切れているか、アプリの一部をダウンロードできませんでした。オンラインに戻ると自動的に再試行します。',
    retry: '再試行',
    version: 'バージョン',
  },
  ko: {
    title: '앱을 불러오지 못했습니다',
    heading: '앱을 불러오지 못했습니다',
    body: '연결이 끊겼거나 앱의 일부를 내려받지 못했습니다. 다시 온라인 상태가 되면 자동으로 다시 시도합니다.',
    retry: '다시 시도',
    version: '버전',
  },
  nl: {
    title: 'De app kon niet worden geladen',
    heading: 'De app kon niet worden geladen',
    body: 'Misschien is de verbinding weg, of kon een deel van de app niet worden gedownload. Zodra je weer online bent, probeert de app het vanzelf opnieuw.',
    retry: 'Opnieuw proberen',
    version: 'Versie',
  },
  pl: {
    title: 'Nie udało się załadować aplikacji',
    heading: 'Nie udało się załadować aplikacji',
    body: 'Być może nie ma połączenia albo nie udało się pobrać części aplikacji. Gdy znów będziesz online, aplikacja sama spróbuje ponownie.',
    retry: 'Spróbuj ponownie',
    version: 'Wersja',
  },
  pt: {
    title: 'Não foi possível carregar o aplicativo',
    heading: 'Não foi possível carregar o aplicativo',
    body: 'A conexão pode estar indisponível ou parte do aplicativo não pôde ser baixada. Ele tentará de novo sozinho quando você estiver on-line outra vez.',
    retry: 'Tentar novamente',
    version: 'Versão',
  },
  ru: {
    title: 'Не удалось загрузить приложение',
    heading: 'Не удалось загрузить приложение',
    body: 'Возможно, нет подключения или не удалось скачать часть приложения. Когда подключение восстановится, приложение само попробует снова.',
    retry: 'Повторить',
    version: 'Версия',
  },
  sv: {
    title: 'Appen kunde inte laddas',
    heading: 'Appen kunde inte laddas',
    body: 'Anslutningen kan vara nere, eller så kunde en del av appen inte hämtas. Den försöker igen av sig själv när du är online igen.',
    retry: 'Försök igen',
    version: 'Version',
  },
  tr: {
    title: 'Uygulama yüklenemedi',
    heading: 'Uygulama yüklenemedi',
    body: 'Bağlantı kesilmiş olabilir ya da uygulamanın bir kısmı indirilemedi. Yeniden çevrimiçi olduğunuzda kendiliğinden tekrar deneyecek.',
    retry: 'Tekrar dene',
    version: 'Sürüm',
  },
  uk: {
    title: 'Не вдалося завантажити застосунок',
    heading: 'Не вдалося завантажити застосунок',
    body: 'Можливо, немає з’єднання або не вдалося завантажити частину застосунку. Щойно ви знову будете онлайн, він сам спробує ще раз.',
    retry: 'Спробувати ще раз',
    version: 'Версія',
  },
  zh: {
    title: '无法加载应用',
    heading: '无法加载应用',
    body: '可能是网络连接已断开，或者应用的某一部分无法下载。恢复联网后会自动重试。',
    retry: '重试',
    version: '版本',
  },
  'zh-TW': {
    title: '無法載入應用程式',
    heading: '無法載入應用程式',
    body: '可能是網路連線中斷，或應用程式的某部分無法下載。恢復連線後會自動重試。',
    retry: '重試',
    version: '版本',
  },
}
