export {Header, headerHeight, headerLines, type HeaderProps} from './header.js';
