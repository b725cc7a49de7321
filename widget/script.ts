/**
 * The classic-script build (`<script src=".../widget.js" async>`). `document.currentScript` is only
 * set while this file first runs, so the API's default address is taken here and nowhere later.
 */
import { defineWidget, originOf } from './element.js';

const script = document.currentScript;
defineWidget(originOf(script instanceof HTMLScriptElement ? script.src : undefined));
