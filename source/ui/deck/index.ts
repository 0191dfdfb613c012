export {Deck, type DeckProps} from './deck.js';
export {deckReducer, initialDeck, type DeckState} from './use-deck-state.js';
