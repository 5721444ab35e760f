/**
 * The composer's emoji set (F21): a compact built-in list — the emoji a
 * support team actually uses — with English and Spanish names to search
 * by. No CDN and no font download: phones draw emoji themselves. The picker
 * fragment built from it stays well under 30 KB gzip (a test checks).
 *
 * @module
 */

export interface Emoji {
  char: string;
  en: string;
  es: string;
}

export interface EmojiGroup {
  key:
    | "smileys"
    | "people"
    | "nature"
    | "food"
    | "activities"
    | "travel"
    | "objects"
    | "symbols";
  emoji: Emoji[];
}

// char|english name|spanish name, one per line
const DATA: Record<EmojiGroup["key"], string> = {
  smileys: `😀|grinning face|cara sonriente
😃|smiling face big eyes|cara feliz ojos grandes
😄|smiling face smiling eyes|cara sonriente ojos
😁|beaming face|cara radiante
😆|laughing squinting|risa ojos cerrados
😅|sweat smile|sonrisa con sudor
🤣|rolling on the floor laughing|muerto de risa
😂|tears of joy laughing|lágrimas de risa
🙂|slightly smiling|ligeramente sonriente
🙃|upside down|cara al revés
😉|winking|guiño
😊|smiling blush|sonrisa sonrojada
😇|halo angel|ángel aureola
🥰|smiling hearts love|enamorado corazones
😍|heart eyes|ojos de corazón
🤩|star struck|deslumbrado estrellas
😘|blowing a kiss|lanzando un beso
😋|yum delicious|delicioso
😛|tongue|lengua fuera
😜|winking tongue|guiño con lengua
🤪|zany crazy|loco
🤑|money mouth|boca de dinero
🤗|hugging hug|abrazo
🤭|hand over mouth oops|mano en la boca
🤫|shushing quiet|silencio
🤔|thinking|pensando
🤐|zipper mouth|boca cerrada cremallera
🤨|raised eyebrow|ceja levantada
😐|neutral|neutral
😑|expressionless|sin expresión
😶|no mouth|sin boca
😏|smirking|sonrisa pícara
😒|unamused|no divertido
🙄|rolling eyes|ojos en blanco
😬|grimacing|mueca
😌|relieved|aliviado
😔|pensive|pensativo
😪|sleepy|somnoliento
😴|sleeping|durmiendo
😷|medical mask sick|mascarilla enfermo
🤒|thermometer fever|fiebre termómetro
🤕|head bandage hurt|venda herido
🤢|nauseated|náuseas
🤧|sneezing|estornudo
🥵|hot face|calor
🥶|cold face|frío
😵|dizzy|mareado
🤯|exploding head mind blown|cabeza explotando
🤠|cowboy|vaquero
🥳|partying party|fiesta
😎|sunglasses cool|gafas de sol genial
🤓|nerd|empollón
🧐|monocle|monóculo
😕|confused|confundido
😟|worried|preocupado
🙁|slightly frowning|ligeramente triste
😮|open mouth surprised|boca abierta sorpresa
😯|hushed|asombrado
😲|astonished|atónito
😳|flushed|sonrojado
🥺|pleading|suplicante
😦|frowning open mouth|ceño boca abierta
😨|fearful|temeroso
😰|anxious sweat|ansioso
😥|sad relieved|triste aliviado
😢|crying|llorando
😭|loudly crying|llanto
😱|screaming fear|grito miedo
😖|confounded|frustrado
😣|persevering|perseverante
😞|disappointed|decepcionado
😓|downcast sweat|abatido sudor
😩|weary|agotado
😫|tired|cansado
🥱|yawning|bostezo
😤|steam nose triumph|resoplido
😡|pouting angry|enfadado
😠|angry|enojado
🤬|cursing|maldiciendo
😈|smiling devil|diablo sonriente
💀|skull|calavera
💩|pile of poo|caca
🤡|clown|payaso
👻|ghost|fantasma
👽|alien|extraterrestre
🤖|robot|robot
😺|grinning cat|gato sonriente
🙈|see no evil monkey|mono no ver
🙉|hear no evil monkey|mono no oír
🙊|speak no evil monkey|mono no hablar`,
  people: `👋|waving hand hello|mano saludando hola
🤚|raised back of hand|dorso de la mano
✋|raised hand stop|mano levantada alto
🖖|vulcan salute|saludo vulcano
👌|ok hand|mano ok
🤌|pinched fingers|dedos juntos
🤏|pinching hand small|pellizco poco
✌️|victory peace|victoria paz
🤞|crossed fingers luck|dedos cruzados suerte
🤟|love you gesture|te quiero gesto
🤘|sign of the horns rock|cuernos rock
🤙|call me hand|llámame mano
👈|pointing left|señalando izquierda
👉|pointing right|señalando derecha
👆|pointing up|señalando arriba
👇|pointing down|señalando abajo
☝️|index pointing up|índice arriba
👍|thumbs up like yes|pulgar arriba me gusta sí
👎|thumbs down dislike no|pulgar abajo no me gusta
✊|raised fist|puño levantado
👊|oncoming fist bump|puñetazo
👏|clapping hands applause|aplausos
🙌|raising hands celebration|manos arriba celebración
👐|open hands|manos abiertas
🤲|palms up together|palmas juntas
🤝|handshake deal|apretón de manos trato
🙏|folded hands thanks please|manos juntas gracias por favor
✍️|writing hand|mano escribiendo
💪|flexed biceps strong|bíceps fuerte
👀|eyes look|ojos mirar
👁️|eye|ojo
👂|ear|oreja
🧠|brain|cerebro
👶|baby|bebé
🧒|child|niño
👦|boy|chico
👧|girl|chica
🧑|person|persona
👨|man|hombre
👩|woman|mujer
🧓|older person|persona mayor
🙋|person raising hand|persona levantando la mano
🙅|person gesturing no|persona diciendo no
🙆|person gesturing ok|persona diciendo ok
💁|person tipping hand info|persona informando
🤷|person shrugging|encogiéndose de hombros
🤦|person facepalming|mano en la cara
🧑‍💻|technologist computer|tecnólogo ordenador
🧑‍🔧|mechanic|mecánico
🧑‍🍳|cook chef|cocinero
🧑‍⚕️|health worker doctor|sanitario médico
🕺|man dancing|hombre bailando
💃|woman dancing|mujer bailando
🏃|person running|persona corriendo
🚶|person walking|persona caminando
👪|family|familia`,
  nature: `🐶|dog|perro
🐱|cat|gato
🐭|mouse|ratón
🐰|rabbit|conejo
🦊|fox|zorro
🐻|bear|oso
🐼|panda|panda
🐨|koala|koala
🐯|tiger|tigre
🦁|lion|león
🐮|cow|vaca
🐷|pig|cerdo
🐸|frog|rana
🐵|monkey|mono
🐔|chicken|gallina
🐧|penguin|pingüino
🐦|bird|pájaro
🦋|butterfly|mariposa
🐝|bee|abeja
🐢|turtle|tortuga
🐍|snake|serpiente
🐙|octopus|pulpo
🐟|fish|pez
🐬|dolphin|delfín
🐳|whale|ballena
🌵|cactus|cactus
🌲|tree|árbol
🌴|palm tree|palmera
🌱|seedling|brote
🍀|four leaf clover luck|trébol suerte
🍁|maple leaf|hoja de arce
🌷|tulip|tulipán
🌹|rose|rosa
🌻|sunflower|girasol
🌸|cherry blossom|flor de cerezo
💐|bouquet flowers|ramo de flores
🌞|sun face|sol con cara
☀️|sun|sol
⛅|sun behind cloud|sol y nubes
🌧️|rain cloud|lluvia
⛈️|storm|tormenta
❄️|snowflake|copo de nieve
⛄|snowman|muñeco de nieve
🌈|rainbow|arcoíris
🔥|fire hot|fuego
💧|droplet water|gota agua
🌊|wave ocean|ola mar
🌙|moon|luna
⭐|star|estrella
🌟|glowing star|estrella brillante
✨|sparkles|destellos`,
  food: `🍏|green apple|manzana verde
🍎|red apple|manzana roja
🍐|pear|pera
🍊|orange|naranja
🍋|lemon|limón
🍌|banana|plátano
🍉|watermelon|sandía
🍇|grapes|uvas
🍓|strawberry|fresa
🍒|cherries|cerezas
🍑|peach|melocotón
🥭|mango|mango
🍍|pineapple|piña
🥥|coconut|coco
🥑|avocado|aguacate
🍅|tomato|tomate
🌶️|hot pepper chili|chile picante
🌽|corn|maíz
🥕|carrot|zanahoria
🥔|potato|patata
🥐|croissant|cruasán
🍞|bread|pan
🧀|cheese|queso
🥚|egg|huevo
🥓|bacon|beicon
🍔|hamburger burger|hamburguesa
🍟|french fries|patatas fritas
🍕|pizza|pizza
🌭|hot dog|perrito caliente
🌮|taco|taco
🌯|burrito|burrito
🥗|salad|ensalada
🍝|spaghetti pasta|espaguetis pasta
🍣|sushi|sushi
🍜|noodles ramen|fideos ramen
🍦|ice cream|helado
🍩|doughnut|rosquilla
🍪|cookie|galleta
🎂|birthday cake|tarta de cumpleaños
🍰|shortcake|pastel
🍫|chocolate|chocolate
🍬|candy|caramelo
☕|coffee hot beverage|café
🍵|tea|té
🧃|juice box|zumo
🥤|cup with straw soda|refresco
🍺|beer|cerveza
🍷|wine|vino
🥂|clinking glasses cheers|brindis
🍾|champagne bottle|champán`,
  activities: `⚽|soccer football|fútbol
🏀|basketball|baloncesto
🏈|american football|fútbol americano
⚾|baseball|béisbol
🎾|tennis|tenis
🏐|volleyball|voleibol
🏓|ping pong|ping pong
🥊|boxing glove|guante de boxeo
🏆|trophy winner|trofeo ganador
🥇|gold medal first|medalla de oro primero
🥈|silver medal|medalla de plata
🥉|bronze medal|medalla de bronce
🎯|bullseye target|diana objetivo
🎮|video game|videojuego
🎲|dice game|dado
🧩|puzzle piece|pieza de puzle
🎨|art palette|paleta arte
🎬|clapper board movie|claqueta cine
🎤|microphone|micrófono
🎧|headphones|auriculares
🎵|musical note|nota musical
🎸|guitar|guitarra
🎉|party popper celebration|confeti celebración
🎊|confetti ball|bola de confeti
🎈|balloon|globo
🎁|gift present|regalo
🎄|christmas tree|árbol de navidad
🎃|jack o lantern halloween|calabaza halloween`,
  travel: `🚗|car|coche
🚕|taxi|taxi
🚌|bus|autobús
🚚|delivery truck|camión de reparto
🚛|lorry truck|camión
🚲|bicycle bike|bicicleta
🛵|scooter|motocicleta
🚆|train|tren
✈️|airplane flight|avión vuelo
🚀|rocket|cohete
🚢|ship|barco
⚓|anchor|ancla
⛽|fuel pump gas|gasolinera
🚦|traffic light|semáforo
🚧|construction|obras
🗺️|world map|mapa
📍|round pushpin location|chincheta ubicación
🏠|house home|casa hogar
🏢|office building|oficina edificio
🏪|convenience store shop|tienda
🏬|department store|grandes almacenes
🏥|hospital|hospital
🏦|bank|banco
🏨|hotel|hotel
⛪|church|iglesia
🏖️|beach umbrella|playa
⛰️|mountain|montaña
🌍|globe earth|planeta tierra
🕐|one o'clock time|una en punto hora
⏰|alarm clock|despertador
⌛|hourglass wait|reloj de arena espera
⏳|hourglass flowing|reloj de arena`,
  objects: `📱|mobile phone|teléfono móvil
💻|laptop computer|portátil ordenador
🖥️|desktop computer|ordenador
⌨️|keyboard|teclado
🖨️|printer|impresora
🖱️|mouse computer|ratón ordenador
📷|camera photo|cámara foto
📹|video camera|videocámara
📞|telephone receiver call|teléfono llamada
☎️|telephone|teléfono
📺|television|televisión
🔋|battery|batería
🔌|electric plug|enchufe
💡|light bulb idea|bombilla idea
🔦|flashlight|linterna
💵|dollar banknote money|billete dólar dinero
💶|euro banknote|billete euro
💳|credit card|tarjeta de crédito
🧾|receipt|recibo
💰|money bag|bolsa de dinero
✉️|envelope|sobre
📧|e-mail|correo electrónico
📦|package box parcel|paquete caja
📫|mailbox|buzón
📝|memo note|nota
📄|page document|documento página
📅|calendar|calendario
📆|tear off calendar date|calendario fecha
📊|bar chart|gráfico de barras
📈|chart increasing|gráfico subiendo
📉|chart decreasing|gráfico bajando
📋|clipboard|portapapeles
📌|pushpin|chincheta
📎|paperclip attachment|clip adjunto
✂️|scissors|tijeras
🔒|locked|candado cerrado
🔓|unlocked|candado abierto
🔑|key|llave
🔨|hammer|martillo
🔧|wrench|llave inglesa
🛠️|hammer and wrench tools|herramientas
⚙️|gear settings|engranaje ajustes
🧰|toolbox|caja de herramientas
🛒|shopping cart|carrito de compra
🛍️|shopping bags|bolsas de compra
🏷️|label tag|etiqueta
🔔|bell notification|campana aviso
📣|megaphone|megáfono
💬|speech balloon chat|bocadillo chat
🗓️|spiral calendar|calendario espiral
⏱️|stopwatch|cronómetro
🩺|stethoscope|estetoscopio
💊|pill|pastilla
🧴|lotion bottle|loción`,
  symbols: `❤️|red heart love|corazón rojo amor
🧡|orange heart|corazón naranja
💛|yellow heart|corazón amarillo
💚|green heart|corazón verde
💙|blue heart|corazón azul
💜|purple heart|corazón morado
🖤|black heart|corazón negro
🤍|white heart|corazón blanco
💔|broken heart|corazón roto
💕|two hearts|dos corazones
💖|sparkling heart|corazón brillante
💯|hundred points|cien puntos
✅|check mark button done|marca de verificación hecho
☑️|check box|casilla marcada
✔️|check mark|marca
❌|cross mark no|cruz no
❎|cross mark button|botón cruz
➕|plus|más
➖|minus|menos
❓|question mark|interrogación
❗|exclamation mark|exclamación
‼️|double exclamation|doble exclamación
⚠️|warning|advertencia
🚫|prohibited|prohibido
⛔|no entry|prohibido el paso
🔴|red circle|círculo rojo
🟠|orange circle|círculo naranja
🟡|yellow circle|círculo amarillo
🟢|green circle|círculo verde
🔵|blue circle|círculo azul
⚪|white circle|círculo blanco
⚫|black circle|círculo negro
⭕|hollow red circle|círculo hueco
🔝|top arrow|flecha top
🔜|soon arrow|pronto
🆕|new button|nuevo
🆗|ok button|botón ok
🆘|sos button help|sos ayuda
ℹ️|information|información
➡️|right arrow|flecha derecha
⬅️|left arrow|flecha izquierda
⬆️|up arrow|flecha arriba
⬇️|down arrow|flecha abajo
🔄|counterclockwise arrows refresh|flechas actualizar
♻️|recycling|reciclaje
🔁|repeat|repetir
⏸️|pause|pausa
▶️|play|reproducir
⏹️|stop button|detener
💤|zzz sleep|dormir zzz
💥|collision boom|explosión
💫|dizzy star|mareo estrella
💦|sweat droplets|gotas
💨|dashing away|salir corriendo
🏁|chequered flag finish|bandera a cuadros meta
🚩|triangular flag|bandera triangular
🇺🇸|flag united states|bandera estados unidos
🇲🇽|flag mexico|bandera méxico
🇪🇸|flag spain|bandera españa
🇵🇷|flag puerto rico|bandera puerto rico
🇨🇴|flag colombia|bandera colombia
🇦🇷|flag argentina|bandera argentina`,
};

/** The set, in picker order. */
export const EMOJI_GROUPS: EmojiGroup[] = (
  Object.entries(DATA) as [EmojiGroup["key"], string][]
).map(([key, lines]) => ({
  key,
  emoji: lines.split("\n").map((line) => {
    const [char, en, es] = line.split("|");
    return { char, en, es };
  }),
}));

const fold = (s: string) =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** The words one emoji is found by (both languages, accents folded). */
export function searchText(e: Emoji): string {
  return fold(`${e.en} ${e.es}`);
}

/** Emoji whose names contain every word of `q` (any language). */
export function searchEmoji(q: string): EmojiGroup[] {
  const words = fold(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return EMOJI_GROUPS;
  return EMOJI_GROUPS.map((g) => ({
    key: g.key,
    emoji: g.emoji.filter((e) => {
      const text = searchText(e);
      return words.every((w) => text.includes(w));
    }),
  })).filter((g) => g.emoji.length > 0);
}
