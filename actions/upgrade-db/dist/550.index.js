export const id = 550;
export const ids = [550];
export const modules = {

/***/ 4550:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(152);
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(821);
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8041);
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8247);
/* harmony import */ var _moodle_preview_core__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(1266);
/* harmony import */ var _clients_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7958);
/* harmony import */ var _credentials_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1576);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1731);
// The post step (runs also when the job is cancelled): a task the main step started and did not see
// stop — the job was cancelled or timed out mid-wait — is stopped, so an upgrade never runs on
// unattended. It never fails the job: it warns.





async function post() {
    const taskArn = _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.taskArn);
    const pausedSite = _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.cronPausedSite);
    if (!taskArn && !pausedSite)
        return;
    const region = _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.region);
    const cluster = _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.cluster);
    const role = _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.roleToAssume);
    const clients = (0,_clients_js__WEBPACK_IMPORTED_MODULE_2__/* .upgradeClients */ .p)(region, (0,_credentials_js__WEBPACK_IMPORTED_MODULE_3__/* .credentialsFor */ .O)(region, role
        ? {
            roleToAssume: role,
            durationSeconds: 900,
            audience: _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.audience) || 'sts.amazonaws.com',
        }
        : undefined));
    try {
        if (taskArn)
            await stopLeftTask(clients, cluster, taskArn);
        // The main step paused cron on the site and did not get to resume it (cancelled, or its resume failed).
        if (pausedSite) {
            try {
                const r = await (0,_moodle_preview_core__WEBPACK_IMPORTED_MODULE_4__/* .resumeCron */ .G7)(new _moodle_preview_core__WEBPACK_IMPORTED_MODULE_5__/* .SiteRegistry */ .hq(clients.ssm), pausedSite, _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.cronPausedBy));
                _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(`cron on ${pausedSite}: ${r.result}`);
            }
            catch (err) {
                _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(`could not resume cron on ${pausedSite}: ${(0,_moodle_preview_core__WEBPACK_IMPORTED_MODULE_6__/* .describeError */ .Uc)(err)}; run mdl-preview cron resume ${pausedSite}`);
            }
        }
    }
    finally {
        (0,_clients_js__WEBPACK_IMPORTED_MODULE_2__/* .destroyClients */ .F)(clients);
    }
}
async function stopLeftTask(clients, cluster, taskArn) {
    try {
        const stopped = await (0,_moodle_preview_core__WEBPACK_IMPORTED_MODULE_7__/* .stopTask */ .S8)(clients.ecs, cluster, taskArn, 'the GitHub job was cancelled or ended');
        if (stopped)
            _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(`stopped ${taskArn} (${_moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.purpose) || 'a task'}), still running when the job ended` +
                (_moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_0__/* .STATE */ .c4.purpose).startsWith('upgrade')
                    ? '; the site may be left in maintenance mode: run admin/cli/maintenance.php --disable after checking the database'
                    : ''));
        else
            _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(`${taskArn} has stopped; nothing to clean up`);
    }
    catch (err) {
        _moodle_preview_core__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(`could not check or stop ${taskArn}: ${err.message}`);
    }
}


/***/ })

};
