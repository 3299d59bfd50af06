// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositSecurity} from "../../contracts/interfaces/IDepositSecurity.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {CuratedModule} from "../../contracts/modules/CuratedModule.sol";
import {RouterFixture} from "../utils/RouterFixture.sol";

/// @notice Gas of the hot entry points. Each test measures exactly one call with
/// `vm.snapshotGasLastCall` (written to snapshots/ by `--snapshot`); the per-test totals in
/// .gas-snapshot also include the setup done inside the test.
contract GasTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function test_gas_addModule() public {
        address m = address(_newCurated());
        IStakingRouter.ModuleParams memory p = _params(1, 10_000);
        vm.prank(moduleManager);
        router.addModule(m, p, 10_000);
        vm.snapshotGasLastCall("cascade", "addModule");
    }

    function test_gas_registerBondedOperator_1key() public {
        (bytes memory pk, bytes memory sig) = _keys(address(bonded), 0, 0, 1);
        address op = makeAddr("op");
        vm.deal(op, 2.4 ether);
        vm.prank(op);
        bonded.registerOperator{value: 2.4 ether}("op", op, pk, sig);
        vm.snapshotGasLastCall("cascade", "registerBondedOperator_1key");
    }

    function _curatedAddKeys(uint256 n, string memory name) private {
        uint256 op = _curatedOperator(curated, 0);
        address manager = curated.getOperator(op).manager;
        (bytes memory pks, bytes memory sigs) = _keys(address(curated), op, 0, n);
        vm.prank(manager);
        curated.addKeys(op, pks, sigs);
        vm.snapshotGasLastCall("cascade", name);
    }

    function _bondedAddKeys(uint256 n, string memory name) private {
        (uint256 op, address manager) = _bondedOperator(1);
        (bytes memory pks, bytes memory sigs) = _keys(address(bonded), op, 1, n);
        uint256 bond = n * 1.3 ether;
        vm.deal(manager, bond);
        vm.prank(manager);
        bonded.addKeysWithBond{value: bond}(op, pks, sigs);
        vm.snapshotGasLastCall("cascade", name);
    }

    function test_gas_curatedAddKeys_1() public {
        _curatedAddKeys(1, "curatedAddKeys_1");
    }

    function test_gas_curatedAddKeys_10() public {
        _curatedAddKeys(10, "curatedAddKeys_10");
    }

    function test_gas_curatedAddKeys_100() public {
        _curatedAddKeys(100, "curatedAddKeys_100");
    }

    function test_gas_bondedAddKeysWithBond_1() public {
        _bondedAddKeys(1, "bondedAddKeysWithBond_1");
    }

    function test_gas_bondedAddKeysWithBond_10() public {
        _bondedAddKeys(10, "bondedAddKeysWithBond_10");
    }

    function test_gas_bondedAddKeysWithBond_100() public {
        _bondedAddKeys(100, "bondedAddKeysWithBond_100");
    }
}

/// @notice depositToBeacon of n validators with M curated modules registered. Weights are
/// chosen so the floored targets add up to n (DESIGN §7 floors T_m); when n < M, the
/// modules beyond n sit below minReputation (registered and looped over, allocated nothing).
contract GasDepositToBeaconTest is RouterFixture {
    function setUp() public {
        _deployCore();
    }

    function _measure(uint256 n, uint256 modules, string memory name) private {
        uint256 base = n / modules;
        uint256 rem = n % modules;
        for (uint256 i; i < modules; ++i) {
            uint256 count = base + (i < rem ? 1 : 0);
            CuratedModule m = _newCurated();
            _addModule(address(m), uint64(count == 0 ? 1 : count), 10_000, count == 0 ? 0 : 10_000);
            _curatedOperator(m, count == 0 ? 1 : count);
        }
        _fund(n);
        (uint256[] memory alloc, uint256 total) = router.previewAllocation(n);
        assertEq(total, n, "fixture allocates all n");
        // One call per module with a share (each with its own attestation): the keeper's total.
        uint256 gas;
        uint256 done;
        for (uint256 id; id < modules; ++id) {
            (alloc, ) = router.previewAllocation(n - done);
            if (alloc[id] == 0) continue;
            IStakingRouter.ModuleKeys memory mk = _moduleKeysOf(id, alloc[id]);
            IDepositSecurity.Attestation memory a = _attest(id);
            vm.prank(keeper);
            done += router.depositToBeacon(id, n - done, mk, a);
            gas += vm.lastCallGas().gasTotalUsed;
        }
        vm.snapshotValue("cascade", name, gas);
        assertEq(pool.buffered(), 0, "all deposited");
    }

    function test_gas_depositToBeacon_1v_1m() public {
        _measure(1, 1, "depositToBeacon_1v_1m");
    }

    function test_gas_depositToBeacon_10v_1m() public {
        _measure(10, 1, "depositToBeacon_10v_1m");
    }

    function test_gas_depositToBeacon_50v_1m() public {
        _measure(50, 1, "depositToBeacon_50v_1m");
    }

    function test_gas_depositToBeacon_1v_8m() public {
        _measure(1, 8, "depositToBeacon_1v_8m");
    }

    function test_gas_depositToBeacon_10v_8m() public {
        _measure(10, 8, "depositToBeacon_10v_8m");
    }

    function test_gas_depositToBeacon_50v_8m() public {
        _measure(50, 8, "depositToBeacon_50v_8m");
    }

    function test_gas_depositToBeacon_1v_32m() public {
        _measure(1, 32, "depositToBeacon_1v_32m");
    }

    function test_gas_depositToBeacon_10v_32m() public {
        _measure(10, 32, "depositToBeacon_10v_32m");
    }

    function test_gas_depositToBeacon_50v_32m() public {
        _measure(50, 32, "depositToBeacon_50v_32m");
    }
}
